"""A small campaign with every email trigger, for the email tests."""


def follow_up_quiz(*, resume_template: bool = False) -> dict:
    """Two steps (contact with consent, then a choice that picks the outcome) and templates for
    completion, one outcome and a reminder after 30 minutes."""
    emails = [
        {"trigger": "completed", "subject": "Thanks, {{ name }}: {{ outcome.title }}",
         "body": "Hi {{ name }},\n\nYou picked {{ answers.drink }} and scored {{ score }}.\n\n"
                 "See your result: {{ result_link }}\nTell a friend: {{ referral_link }}\n\n"
                 "More at https://shop.example.com/beans?a=1&b=2."},
        {"trigger": "outcome", "outcome": "coffee-lover", "subject": "A coffee tip",
         "body": "Try a flat white, {{ name }}."},
        {"trigger": "outcome", "outcome": "tea-lover", "subject": "A tea tip",
         "body": "Try oolong."},
        {"trigger": "reminder", "subject": "You're nearly there",
         "body": "Finish here: {{ resume_link }}", "delay_minutes": 30},
    ]
    if resume_template:
        emails.append({"trigger": "resume", "subject": "Your Brew finder link",
                       "body": "Hi {{ name }},\n\nContinue: {{ resume_link }}\n\n"
                               "So far: {{ answers.name }}, {{ answers.email }}."})
    return {
        "schema": 1,
        "name": "Brew finder",
        "kind": "quiz",
        "theme": {"primary": "#0f766e"},
        "steps": [
            {"key": "about", "title": "About you", "questions": [
                {"key": "name", "kind": "short_text", "label": "First name", "required": True},
                {"key": "email", "kind": "email", "label": "Email", "required": True},
                {"key": "news", "kind": "consent", "label": "Email me a reminder"},
            ]},
            {"key": "taste", "title": "Pick one", "questions": [
                {"key": "drink", "kind": "single_choice", "label": "Coffee or tea?",
                 "required": True, "choices": [
                     {"key": "coffee", "label": "Coffee", "points": 2},
                     {"key": "tea", "label": "Tea", "points": 1}]},
            ], "rules": [
                {"when": {"all": [{"field": "answers.drink", "op": "equals", "value": "tea"}]},
                 "action": {"type": "goto_outcome", "outcome": "tea-lover"}},
                {"when": None, "action": {"type": "goto_outcome", "outcome": "coffee-lover"}},
            ]},
        ],
        "outcomes": [
            {"key": "coffee-lover", "title": "Coffee it is"},
            {"key": "tea-lover", "title": "A tea person"},
        ],
        "emails": emails,
    }
