//! Micro-benchmarks of the hot paths that run per message, per delivery or per listed row:
//! conversation ID parsing, the unread rule, a delete and revive, event serialisation, and the
//! search of a payload for the files it links to.
//!
//! `cargo bench -p natter-core` (add `-- --quick` for a fast look).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use natter_core::ConversationId;
use natter_core::rules::ConversationState;
use natter_core::wire;

mod fixtures;
use fixtures::events;

fn conversation_ids(c: &mut Criterion) {
    let mut group = c.benchmark_group("ConversationId::parse");
    for id in ["C2Calice", "GROUPteam-42", "@TIM#SYSTEM"] {
        group.bench_function(id, |b| b.iter(|| ConversationId::parse(black_box(id))));
    }
    group.bench_function("invalid", |b| {
        b.iter(|| ConversationId::parse(black_box("XYZ-not-an-id")))
    });
    group.finish();
}

fn rules(c: &mut Criterion) {
    let mut state = ConversationState::default();
    state.on_message(1, 1_763_700_000_000, false);
    state.read_seq = 3;
    c.bench_function("ConversationState::unread", |b| {
        b.iter(|| black_box(&state).unread(black_box(42)))
    });
    c.bench_function("ConversationState delete + revive", |b| {
        b.iter(|| {
            let mut state = black_box(state.clone());
            state.delete(black_box(42), true, false);
            state.on_message(43, 1_763_700_000_001, false);
            state.unread(43)
        })
    });
}

/// What the server encodes per message and per member notified, with its encoder
/// (`wire::encode_text`), beside `serde_json`, which it replaced there (the ninth pass of round
/// two in `BENCHMARKS.md`).
fn serialisation(c: &mut Criterion) {
    for (name, event) in &events() {
        let mut group = c.benchmark_group(format!("encode {name}"));
        group.bench_function("wire::encode_text", |b| {
            b.iter(|| wire::encode_text(black_box(event)).expect("encodes"))
        });
        group.bench_function("serde_json::to_string", |b| {
            b.iter(|| serde_json::to_string(black_box(event)).expect("encodes"))
        });
        group.finish();
    }
}

/// Every stored message's payload is searched for file links before it is stored (retention
/// keeps a linked file as long as the message): a text message's, and an image message's with
/// its three URLs of one file.
fn file_links(c: &mut Criterion) {
    let text = r#"{"text":"See you at the station at nine, platform 4"}"#;
    let url = "https://chat.example.com/files/3f9c0e7a5b1d4c2e8f6a0b9d7c5e3a1f/cat.png";
    let image = format!(
        r#"{{"uuid":"3f9c0e7a5b1d4c2e8f6a0b9d7c5e3a1f","imageFormat":3,"imageInfoArray":[
        {{"type":0,"size":48213,"width":640,"height":480,"url":"{url}"}},
        {{"type":1,"size":0,"width":640,"height":480,"url":"{url}?variant=large"}},
        {{"type":2,"size":0,"width":264,"height":198,"url":"{url}?variant=thumbnail"}}]}}"#
    );
    let mut group = c.benchmark_group("files::linked_file_ids");
    group.bench_function("text message", |b| {
        b.iter(|| natter_core::files::linked_file_ids(black_box(text)))
    });
    group.bench_function("image message", |b| {
        b.iter(|| natter_core::files::linked_file_ids(black_box(&image)))
    });
    group.finish();
}

criterion_group!(benches, conversation_ids, rules, serialisation, file_links);
criterion_main!(benches);
