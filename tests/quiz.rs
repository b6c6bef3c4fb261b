#![cfg(not(target_arch = "wasm32"))]
//! Quick-test scoring at its edges, on the real quiz file.

use std::collections::BTreeMap;
use std::path::Path;

use rollback_lab::core::content::Course;
use rollback_lab::core::quiz::{read_number, score, Kind, Number, Question, Quiz, Reading, Response};

fn quiz() -> Quiz {
    Course::from_dir(Path::new("content")).unwrap().quiz().unwrap()
}

fn right(q: &Question) -> Response {
    match q.kind {
        Kind::MultipleChoice => Response::Choice(q.correct()),
        Kind::ShortAnswer => Response::Text(q.correct().join(" ")),
        Kind::Ordering => Response::Order(q.correct()),
    }
}

fn wrong(q: &Question) -> Response {
    match q.kind {
        Kind::MultipleChoice => Response::Choice(vec![q.prompt.distractors[0].clone()]),
        Kind::ShortAnswer => Response::Text("no idea".into()),
        Kind::Ordering => {
            let mut o = q.correct();
            o.reverse();
            Response::Order(o)
        }
    }
}

/// The first `n_right` questions right, the rest wrong.
fn answers(q: &Quiz, n_right: usize) -> BTreeMap<String, Response> {
    q.questions
        .iter()
        .enumerate()
        .map(|(i, qq)| (qq.id.clone(), if i < n_right { right(qq) } else { wrong(qq) }))
        .collect()
}

#[test]
fn the_quiz_has_ten_questions_of_the_needed_types() {
    let q = quiz();
    assert_eq!(q.questions.len(), 10);
    assert!(q.questions.iter().any(|x| x.kind == Kind::Ordering));
    assert!(q.questions.iter().any(|x| x.kind == Kind::ShortAnswer));
    assert!(q.questions.iter().filter(|x| x.is_multi()).count() >= 2);
}

#[test]
fn ten_right_passes_with_100() {
    let q = quiz();
    let s = score(&q, &answers(&q, 10));
    assert_eq!((s.correct, s.total, s.percent, s.passed), (10, 10, 100, true));
}

#[test]
fn seven_right_passes_with_70() {
    let q = quiz();
    let s = score(&q, &answers(&q, 7));
    assert_eq!((s.correct, s.percent, s.passed), (7, 70, true));
}

#[test]
fn six_right_fails_with_60() {
    let q = quiz();
    let s = score(&q, &answers(&q, 6));
    assert_eq!((s.correct, s.percent, s.passed), (6, 60, false));
}

#[test]
fn zero_right_and_nothing_answered_fail_with_0() {
    let q = quiz();
    let s = score(&q, &answers(&q, 0));
    assert_eq!((s.correct, s.percent, s.passed), (0, 0, false));
    let empty = score(&q, &BTreeMap::new());
    assert_eq!((empty.correct, empty.passed), (0, false));
    assert!(empty.questions.iter().all(|r| !r.answered && !r.correct));
}

#[test]
fn unanswered_questions_count_as_wrong() {
    let q = quiz();
    let mut a = answers(&q, 10);
    let ids: Vec<String> = q.questions.iter().take(4).map(|x| x.id.clone()).collect();
    for id in &ids {
        a.remove(id);
    }
    // An empty choice is not an answer either.
    a.insert(ids[0].clone(), Response::Choice(vec![]));
    let s = score(&q, &a);
    assert_eq!((s.correct, s.passed), (6, false));
    assert!(!s.questions[0].answered);
}

#[test]
fn a_multi_select_is_right_only_with_exactly_the_right_options() {
    let q = quiz();
    let multi = q.questions.iter().find(|x| x.is_multi()).unwrap();
    let right_set = multi.correct();
    assert!(right_set.len() >= 2);
    assert!(
        multi.is_correct(Some(&Response::Choice(right_set.iter().rev().cloned().collect()))),
        "order is irrelevant"
    );
    assert!(!multi.is_correct(Some(&Response::Choice(right_set[..1].to_vec()))), "partial is wrong");
    let mut extra = right_set.clone();
    extra.push(multi.prompt.distractors[0].clone());
    assert!(!multi.is_correct(Some(&Response::Choice(extra))), "an extra option is wrong");
}

#[test]
fn ordering_is_right_only_in_the_exact_order() {
    let q = quiz();
    let ord = q.questions.iter().find(|x| x.kind == Kind::Ordering).unwrap();
    assert_eq!(ord.correct().len(), 5, "the five expand-and-contract steps");
    assert!(ord.is_correct(Some(&Response::Order(ord.correct()))));
    let mut swapped = ord.correct();
    swapped.swap(2, 3);
    assert!(!ord.is_correct(Some(&Response::Order(swapped))));
    assert!(!ord.is_correct(Some(&Response::Choice(ord.correct()))), "a wrong kind of response is wrong");
}

#[test]
fn short_answers_accept_alternatives_case_and_spacing() {
    let q = quiz();
    let sa = q.questions.iter().find(|x| x.kind == Kind::ShortAnswer).unwrap();
    let main = sa.correct().join(" ");
    assert!(sa.is_correct(Some(&Response::Text(format!("  {}  ", main.to_uppercase())))));
    for alt in &sa.answer.alternatives {
        assert!(sa.is_correct(Some(&Response::Text(alt.clone()))), "{alt}");
    }
    assert!(!sa.is_correct(Some(&Response::Text("".into()))));
    assert!(!sa.is_correct(Some(&Response::Text("14.4".into()))));
}

#[test]
fn numeric_answers_are_compared_as_numbers() {
    let q = quiz();
    let burn = q.questions.iter().find(|x| x.id == "burn-rate-error-rate").expect("the burn-rate question");
    assert!(burn.is_numeric());
    let right =
        ["1.44 %", "1.44%", "1.440", "1,44", "1,44 %", "1,440 %", " 1.44  percent", "0.0144", "+1.44", "1.4400%"];
    for typed in right {
        assert!(burn.is_correct(Some(&Response::Text(typed.into()))), "{typed:?} should be right");
    }
    let wrong = ["14.4", "1.45 %", "0.0144 %", "144", "1.44 % or 1.5 %", "about 1.44", "-1.44", "1.4.4", "1,44,0"];
    for typed in wrong {
        assert!(!burn.is_correct(Some(&Response::Text(typed.into()))), "{typed:?} should be wrong");
    }
}

#[test]
fn a_typed_number_is_read_before_submitting() {
    let q = quiz();
    let burn = q.questions.iter().find(|x| x.id == "burn-rate-error-rate").unwrap();
    assert_eq!(burn.reading(""), None, "nothing typed, nothing to say");
    assert_eq!(burn.reading("1,44 %"), Some(Reading::Number(Number { value: 1.44, percent: true })));
    assert_eq!(burn.reading("1,234.5"), Some(Reading::Number(Number { value: 1234.5, percent: false })));
    assert_eq!(burn.reading("one point four"), Some(Reading::NotANumber));
    assert_eq!(burn.reading("1,44,0"), Some(Reading::NotANumber));
    assert_eq!(read_number("1,440 %").unwrap().to_string(), "1.44 %");
    assert_eq!(read_number("0.0144").unwrap().to_string(), "0.0144");
    assert_eq!(read_number("12,34.5"), None, "a comma that does not group thousands");
    // A question whose answer is a word is not numeric: no note.
    let words = q.questions.iter().find(|x| x.kind == Kind::MultipleChoice).unwrap();
    assert!(!words.is_numeric());
}

#[test]
fn options_are_shuffled_by_seed_and_complete() {
    let q = quiz();
    for question in q.questions.iter().filter(|x| x.kind != Kind::ShortAnswer) {
        let a = question.options(1);
        let b = question.options(1);
        assert_eq!(a, b, "same seed, same order");
        let mut sorted = a.clone();
        sorted.sort();
        let mut want = question.correct();
        want.extend(question.prompt.distractors.iter().cloned());
        want.sort();
        assert_eq!(sorted, want, "every option present exactly once");
        if question.kind == Kind::Ordering {
            for seed in 0..50 {
                assert_ne!(question.options(seed), question.correct(), "an ordering never starts solved");
            }
        }
    }
    let mc = q.questions.iter().find(|x| x.kind == Kind::MultipleChoice).unwrap();
    let orders: std::collections::BTreeSet<Vec<String>> = (0..20).map(|s| mc.options(s)).collect();
    assert!(orders.len() > 3, "different seeds give different orders");
}
