//! discord-sim: a local Discord-compatible server (REST under /api/v10 and a WebSocket gateway).
