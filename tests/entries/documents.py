"""Small blueprint documents the runtime tests publish."""


def branching_quiz() -> dict:
    """Three steps: a name, a branching choice (coffee → step 3, tea → the tea outcome), a
    rating; outcomes by rule, recall in the outcome body."""
    return {
        "schema": 1,
        "name": "Coffee or tea?",
        "kind": "quiz",
        "intro": {"title": "Find your brew", "body": "<p>Three quick questions.</p>",
                  "button": "Start"},
        "steps": [
            {"key": "about", "title": "Hi there", "questions": [
                {"key": "name", "kind": "short_text", "label": "Your first name",
                 "required": True},
                {"key": "email", "kind": "email", "label": "Email", "required": False},
                {"key": "utm_source", "kind": "hidden", "label": "Source"},
            ]},
            {"key": "taste", "title": "{{ answers.name }}, pick one", "questions": [
                {"key": "drink", "kind": "single_choice", "label": "Coffee or tea?",
                 "required": True, "choices": [
                     {"key": "coffee", "label": "Coffee", "points": 2},
                     {"key": "tea", "label": "Tea", "points": 1}]},
            ], "rules": [
                {"when": {"all": [{"field": "answers.drink", "op": "equals", "value": "tea"}]},
                 "action": {"type": "goto_outcome", "outcome": "tea-lover"}},
            ]},
            {"key": "strength", "title": "How strong?", "questions": [
                {"key": "rating", "kind": "rating", "label": "Strength", "required": True},
            ], "rules": [
                {"when": None, "action": {"type": "goto_outcome", "outcome": "coffee-lover"}},
            ]},
        ],
        "outcomes": [
            {"key": "coffee-lover", "title": "Coffee it is",
             "body": "<p>Enjoy, {{ answers.name }}! Score {{ score }}.</p>"},
            {"key": "tea-lover", "title": "A tea person",
             "body": "<p>Calm and collected, {{ answers.name }}.</p><script>alert(1)</script>"},
        ],
    }


def long_form(steps: int) -> dict:
    """`steps` steps of two questions each, falling through to the end."""
    return {
        "schema": 1,
        "name": f"Long form {steps}",
        "kind": "form",
        "steps": [
            {"key": f"s{i}", "title": f"Step {i}", "questions": [
                {"key": f"q{i}a", "kind": "short_text", "label": "Text", "required": True},
                {"key": f"q{i}b", "kind": "single_choice", "label": "Pick", "choices": [
                    {"key": "x", "label": "X"}, {"key": "y", "label": "Y"}]},
            ], "rules": [
                {"when": {"all": [{"field": f"answers.q{i}b", "op": "equals", "value": "y"}]},
                 "action": {"type": "add", "target": "score", "value": 1}},
            ]}
            for i in range(steps)
        ],
    }
