"""The builder's logic tools: the rule editor's forms, rule summaries, the flow map, the preview."""
