"""vnpos: the assistant (answering) and its channels (CLI, web, Telegram)."""
