//! Sensitive-content detection: normalisation, rules, matching.
