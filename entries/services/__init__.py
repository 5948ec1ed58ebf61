"""Every write to entries' models goes through these `<noun>_<verb>` functions."""
