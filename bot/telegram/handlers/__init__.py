"""The bot's update handlers, one module per kind of update."""
