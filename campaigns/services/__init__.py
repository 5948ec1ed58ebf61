"""Every write to campaigns' models goes through these `<noun>_<verb>` functions."""
