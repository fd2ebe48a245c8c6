//! State changes shared by the REST handlers (what the bot does) and the test API (what users
//! do). Each one updates the world, dispatches the gateway events Discord would send, and adds
//! the bot's visible actions to the feed.

pub(crate) mod interactions;
pub(crate) mod mentions;
pub(crate) mod messages;
pub(crate) mod threads;
