"""Reading KataML bots: ``load_bot``, ``read_bot``, ``is_kata_bot``, and doc fragments."""

from __future__ import annotations

from .bot import BOT_FILE, bot_file, is_kata_bot, load_bot, looks_like_bot, read_bot

__all__ = ["BOT_FILE", "bot_file", "is_kata_bot", "load_bot", "looks_like_bot",
           "read_bot"]
