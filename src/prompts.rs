//! Every user-facing text, rendered from prompts/{fr,en} by typed functions.
