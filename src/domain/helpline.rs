//! Helpline card: which services are open at a given local hour.
