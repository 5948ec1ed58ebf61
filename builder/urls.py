from django.urls import path

from builder.views import campaign_settings, campaigns, share, theme, workspaces

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
    path("campaigns/<int:campaign_id>/export/", campaigns.campaign_export, name="campaign_export"),
    path("campaigns/<int:campaign_id>/duplicate/", campaigns.campaign_duplicate_view,
         name="campaign_duplicate"),
    path("campaigns/<int:campaign_id>/archive/", campaigns.campaign_archive_view,
         name="campaign_archive"),
    path("campaigns/<int:campaign_id>/delete/", campaigns.campaign_delete_view,
         name="campaign_delete"),
    path("campaigns/<int:campaign_id>/design/", theme.campaign_theme, name="campaign_theme"),
    path("campaigns/<int:campaign_id>/settings/", campaign_settings.campaign_settings_view,
         name="campaign_settings"),
    path("campaigns/<int:campaign_id>/share/", share.campaign_share, name="campaign_share"),
    path("campaigns/<int:campaign_id>/share/qr/", share.campaign_qr, name="campaign_qr"),
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
