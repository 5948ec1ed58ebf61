"""The editor's URLs, appended to builder.urls (same namespace, flat so test_access walks them)."""

from django.urls import path

from builder.views import editor
from builder.views.editor import choices, items, outcomes, questions, steps

BASE = "campaigns/<int:campaign_id>/edit/"

urlpatterns = [
    path(BASE, editor.editor, name="editor"),
    path(BASE + "steps/add/", steps.step_add, name="editor_step_add"),
    path(BASE + "steps/<int:step_id>/", steps.step_view, name="editor_step"),
    path(BASE + "steps/<int:step_id>/move/", items.MOVE_VIEWS["step"], name="editor_step_move"),
    path(BASE + "steps/<int:step_id>/duplicate/", steps.step_duplicate_view,
         name="editor_step_duplicate"),
    path(BASE + "steps/<int:step_id>/delete/", items.DELETE_VIEWS["step"],
         name="editor_step_delete"),
    path(BASE + "steps/<int:step_id>/questions/add/", questions.question_add,
         name="editor_question_add"),
    path(BASE + "questions/<int:question_id>/", questions.question_view, name="editor_question"),
    path(BASE + "questions/<int:question_id>/move/", items.MOVE_VIEWS["question"],
         name="editor_question_move"),
    path(BASE + "questions/<int:question_id>/duplicate/", questions.question_duplicate_view,
         name="editor_question_duplicate"),
    path(BASE + "questions/<int:question_id>/delete/", items.DELETE_VIEWS["question"],
         name="editor_question_delete"),
    path(BASE + "questions/<int:question_id>/choices/add/", choices.choice_add,
         name="editor_choice_add"),
    path(BASE + "choices/<int:choice_id>/", choices.choice_view, name="editor_choice"),
    path(BASE + "choices/<int:choice_id>/move/", items.MOVE_VIEWS["choice"],
         name="editor_choice_move"),
    path(BASE + "choices/<int:choice_id>/delete/", items.DELETE_VIEWS["choice"],
         name="editor_choice_delete"),
    path(BASE + "outcomes/add/", outcomes.outcome_add, name="editor_outcome_add"),
    path(BASE + "outcomes/<int:outcome_id>/", outcomes.outcome_view, name="editor_outcome"),
    path(BASE + "outcomes/<int:outcome_id>/move/", items.MOVE_VIEWS["outcome"],
         name="editor_outcome_move"),
    path(BASE + "outcomes/<int:outcome_id>/delete/", items.DELETE_VIEWS["outcome"],
         name="editor_outcome_delete"),
]
