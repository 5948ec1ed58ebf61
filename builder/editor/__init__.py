"""The draft content editor: its forms and how its page is put together.

The views are builder.views.editor.
"""
