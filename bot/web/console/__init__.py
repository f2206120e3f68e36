"""The admin console at /admin: server-rendered pages for the press-office staff."""
