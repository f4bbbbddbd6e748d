"""turnflow as a service: ``turnflow serve`` (an ASGI app on uvicorn) answering channels
(turnflow's JSON API, Rasa's REST channel, courier's external channel) from the store, one
transaction per turn, with timers, an outbox, flow starts and a read API in RapidPro's
shapes. See docs/service.md."""
