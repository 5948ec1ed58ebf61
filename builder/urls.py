from django.urls import path

from builder.views import campaigns, emails, workspaces
from builder.views import campaigns, draws, workspaces
from builder.views import campaigns, entrants, privacy, workspaces
from builder.views import campaigns, results, workspaces
from builder.editor.urls import urlpatterns as editor_urlpatterns
from builder.views import campaigns, workspaces

app_name = "builder"

urlpatterns = [
    path("", campaigns.campaign_list, name="home"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/new/<slug:template>/", campaigns.campaign_from_template,
         name="campaign_from_template"),
    path("campaigns/import/", campaigns.campaign_import_view, name="campaign_import"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/publish/", campaigns.campaign_publish_view,
         name="campaign_publish"),
    path("campaigns/<int:campaign_id>/status/", campaigns.campaign_status, name="campaign_status"),
    path("campaigns/<int:campaign_id>/results/", results.campaign_results,
         name="campaign_results"),
    path("campaigns/<int:campaign_id>/export/", campaigns.campaign_export, name="campaign_export"),
    path("campaigns/<int:campaign_id>/duplicate/", campaigns.campaign_duplicate_view,
         name="campaign_duplicate"),
    path("campaigns/<int:campaign_id>/archive/", campaigns.campaign_archive_view,
         name="campaign_archive"),
    path("campaigns/<int:campaign_id>/delete/", campaigns.campaign_delete_view,
         name="campaign_delete"),
    path("campaigns/<int:campaign_id>/emails/", emails.campaign_emails, name="campaign_emails"),
    path("campaigns/<int:campaign_id>/emails/new/", emails.email_template_new,
         name="email_template_new"),
    path("campaigns/<int:campaign_id>/emails/log/", emails.campaign_email_log,
         name="campaign_email_log"),
    path("campaigns/<int:campaign_id>/emails/<int:email_template_id>/", emails.email_template_edit,
         name="email_template"),
    path("campaigns/<int:campaign_id>/emails/<int:email_template_id>/delete/",
         emails.email_template_delete_view, name="email_template_delete"),
    path("campaigns/<int:campaign_id>/emails/<int:email_template_id>/test/",
         emails.email_template_test, name="email_template_test"),
    path("campaigns/<int:campaign_id>/draws/", draws.campaign_draws, name="campaign_draws"),
    path("campaigns/<int:campaign_id>/draws/run/", draws.campaign_draw_run,
         name="campaign_draw_run"),
    path("campaigns/<int:campaign_id>/winners/<int:winner_id>/forfeit/",
         draws.winner_forfeit_view, name="winner_forfeit"),
    path("campaigns/<int:campaign_id>/entries/<int:entry_id>/contest/", draws.entry_contest,
         name="entry_contest"),
    path("campaigns/<int:campaign_id>/entries/<int:entry_id>/disqualify/",
         draws.entry_disqualify_view, name="entry_disqualify"),
    path("campaigns/<int:campaign_id>/entries/<int:entry_id>/reinstate/",
         draws.entry_reinstate_view, name="entry_reinstate"),
    path("campaigns/<int:campaign_id>/entrants/", entrants.entrant_list, name="entrants"),
    path("campaigns/<int:campaign_id>/entrants/<int:entry_id>/", entrants.entrant_detail,
         name="entrant"),
    path("campaigns/<int:campaign_id>/exports/", entrants.export_start, name="export_start"),
    path("campaigns/<int:campaign_id>/exports/<int:export_id>/", entrants.export_status,
         name="export_status"),
    path("campaigns/<int:campaign_id>/exports/<int:export_id>/download/",
         entrants.export_download, name="export_download"),
    path("privacy/", privacy.privacy, name="privacy"),
    path("privacy/retention/", privacy.privacy_retention, name="privacy_retention"),
    path("privacy/export/", privacy.privacy_export, name="privacy_export"),
    path("privacy/erase/", privacy.privacy_erase, name="privacy_erase"),
    path("welcome/", workspaces.no_workspace, name="no_workspace"),
    path("workspaces/new/", workspaces.workspace_new, name="workspace_new"),
    path("workspaces/<int:workspace_id>/switch/", workspaces.workspace_switch,
         name="workspace_switch"),
    path("settings/", workspaces.workspace_settings, name="workspace_settings"),
    path("members/", workspaces.members, name="members"),
    path("members/invite/", workspaces.member_invite, name="member_invite"),
    path("members/<int:membership_id>/role/", workspaces.member_role, name="member_role"),
    path("members/<int:membership_id>/remove/", workspaces.member_remove, name="member_remove"),
    path("invitations/<int:invitation_id>/cancel/", workspaces.invitation_cancel,
         name="invitation_cancel"),
    path("invitations/<str:token>/", workspaces.invitation, name="invitation"),
]

urlpatterns += editor_urlpatterns
