//! What a message linking to an uploaded file adds to its send: marking the file as linked
//! (`FileStore::touch`, its folder read and its time set, off the async workers), so that
//! retention keeps it as long as the message.
//!
//! `cargo bench -p natter-store --bench files`

use criterion::{Criterion, criterion_group, criterion_main};
use natter_store::files::FileStore;

fn touch(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = FileStore::open(dir.path()).expect("the file store");
    let id = runtime.block_on(async {
        let mut file = store.create("cat.png").await.expect("a new file");
        file.write(&[7; 48_213]).await.expect("written");
        file.finish().await.expect("finished")
    });
    c.bench_function("FileStore::touch", |b| {
        b.iter(|| runtime.block_on(store.touch(&id)).expect("touched"))
    });
    // The file system's share of it: the same calls on the calling thread, without the hand-off
    // to a blocking thread and back.
    let folder = dir.path().join(&id);
    c.bench_function("FileStore::touch, its system calls alone", |b| {
        b.iter(|| {
            std::fs::File::open(&folder)
                .and_then(|folder| folder.set_modified(std::time::SystemTime::now()))
                .expect("touched")
        })
    });
}

criterion_group!(benches, touch);
criterion_main!(benches);
