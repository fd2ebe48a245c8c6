//! `promeneur scan`: one JSON object per input line.
