"""CSV exports of entries: the columns (`columns`), the django-import-export `Resource` that
declares them for the admin (`resources`), and the streaming writer (`stream`) that holds one
chunk of rows in memory at a time, whatever the campaign's size.
"""
