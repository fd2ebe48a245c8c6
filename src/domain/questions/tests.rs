use super::*;

pub(crate) fn question(status: QuestionStatus) -> Question {
    Question {
        id: 1,
        version: 0,
        guild_id: 10,
        way: Way::Open,
        status,
        asker_pseudonym: "p".into(),
        asker_id: None,
        source_message_id: Some(5),
        channel_id: 20,
        message_id: Some(5),
        thread_id: Some(5),
        ack_message_id: None,
        thread_generation: 0,
        title: "t".into(),
        taken_by: None,
        answered_by: None,
        closed_by: None,
        outcome: None,
        note: None,
        asked_at: 1_000,
        taken_at: None,
        answered_at: None,
        closed_at: None,
        reminded_at: None,
        escalated_at: None,
    }
}

#[test]
fn taking_twice_changes_nothing_and_another_promeneur_is_refused() {
    let q = question(QuestionStatus::Open);
    let Decision::Changed(taken) = q.take(7, 2_000).unwrap() else {
        panic!("taking an open question changes it")
    };
    assert_eq!(taken.status, QuestionStatus::Taken);
    assert_eq!(taken.take(7, 3_000), Ok(Decision::Unchanged));
    assert_eq!(
        taken.take(8, 3_000),
        Err(QuestionRefusal::TakenBySomeoneElse(7))
    );
    let closed = question(QuestionStatus::Closed);
    assert_eq!(closed.take(7, 1), Err(QuestionRefusal::Closed));
}

#[test]
fn the_first_answer_is_recorded_once_with_its_delay() {
    let q = question(QuestionStatus::Open);
    let Decision::Changed(a) = q.answer(7, 61_000) else {
        panic!()
    };
    assert_eq!(a.status, QuestionStatus::Answered);
    assert_eq!(a.answer_delay_ms(), Some(60_000));
    assert_eq!(a.taken_by, Some(7), "who answers takes it");
    assert_eq!(a.answer(8, 99_000), Decision::Unchanged);
}

#[test]
fn closing_records_the_outcome_once() {
    let q = question(QuestionStatus::Taken);
    let Decision::Changed(c) = q.close(7, QuestionOutcome::Oriente, Some("vu"), 5) else {
        panic!()
    };
    assert_eq!(c.outcome, Some(QuestionOutcome::Oriente));
    assert_eq!(
        c.close(7, QuestionOutcome::Repondu, None, 6),
        Decision::Unchanged
    );
}

#[test]
fn a_waiting_question_is_reminded_then_escalated_once_each() {
    let p = WaitPolicy {
        remind_after: Duration::from_secs(2),
        escalate_after: Duration::from_secs(5),
    };
    let q = question(QuestionStatus::Open);
    assert_eq!(p.due(&q, 2_000), None);
    assert_eq!(p.due(&q, 3_000), Some(Nudge::Remind));
    let q = p.record(&q, Nudge::Remind, 3_000);
    assert_eq!(p.due(&q, 4_000), None);
    assert_eq!(p.due(&q, 6_000), Some(Nudge::Escalate));
    let q = p.record(&q, Nudge::Escalate, 6_000);
    assert_eq!(p.due(&q, 100_000), None);
    // Down for longer than both delays: one escalation, no reminder before it.
    let late = question(QuestionStatus::Open);
    assert_eq!(p.due(&late, 50_000), Some(Nudge::Escalate));
    let late = p.record(&late, Nudge::Escalate, 50_000);
    assert_eq!(p.due(&late, 60_000), None);
    // Answered questions are never nudged.
    let Decision::Changed(answered) = question(QuestionStatus::Open).answer(7, 1_500) else {
        panic!()
    };
    assert_eq!(p.due(&answered, 100_000), None);
}

#[test]
fn a_thread_title_is_the_first_words_without_mentions() {
    assert_eq!(
        thread_title("<@123> **comment** on fait pour parler à quelqu'un ?", "Q"),
        "comment on fait pour parler à quelqu'un ?"
    );
    let long = "mot ".repeat(40);
    let t = thread_title(&long, "Q");
    assert!(t.chars().count() <= 61 && t.ends_with('…'), "{t}");
    assert_eq!(thread_title("   ", "Question 4"), "Question 4");
    assert_eq!(thread_title("@everyone", "Question 4"), "Question 4");
}

#[test]
fn a_long_answer_is_split_on_paragraphs_never_mid_word() {
    let para = "mot ".repeat(300); // 1,200 characters
    let text = format!("{}\n\n{}\n\n{}", para.trim(), para.trim(), para.trim());
    let parts = split_for_discord(&text, MESSAGE_LIMIT);
    // Two paragraphs do not fit in one message: one paragraph per message, whole.
    assert_eq!(parts, vec![para.trim().to_string(); 3]);
    let joined: usize = parts.iter().map(|p| p.split_whitespace().count()).sum();
    assert_eq!(joined, 900, "no word lost");
    assert_eq!(split_for_discord("court", MESSAGE_LIMIT), vec!["court"]);
    let one_paragraph = "abcdefghij ".repeat(400);
    for p in split_for_discord(&one_paragraph, MESSAGE_LIMIT) {
        assert!(p.chars().count() <= MESSAGE_LIMIT);
        assert!(p.split_whitespace().all(|w| w == "abcdefghij"));
    }
}
