//! Alert lifecycle: open -> taken -> closed, escalation and burst grouping.
