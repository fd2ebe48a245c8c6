//! The one place where Discord ids cross between `u64` (Discord) and `i64` (SQL).
//!
//! Snowflakes fit in 63 bits for the foreseeable future (the top bit would be set around year
//! 2084), so the conversion is a plain bit cast both ways and never loses information.

/// A Discord id as stored in the database.
pub fn to_db(id: u64) -> i64 {
    id as i64
}

/// A stored id back as a Discord id.
pub fn from_db(id: i64) -> u64 {
    id as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_the_database_type() {
        for id in [1u64, 1_234_567_890_123_456_789, i64::MAX as u64, u64::MAX] {
            assert_eq!(from_db(to_db(id)), id);
        }
    }
}
