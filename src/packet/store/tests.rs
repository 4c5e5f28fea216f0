//! The store's tests: files, versions, limits, caches, durability, concurrency.

use super::*;

fn store() -> (tempfile::TempDir, PacketStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = PacketStore::new(dir.path().join("packets"));
    (dir, store)
}

#[test]
fn create_load_update_delete() {
    let (_d, store) = store();
    assert!(store.list().unwrap().is_empty());
    let p = Packet::new("停车难专题");
    let created = store.create("停车难", &p).unwrap();
    assert!(matches!(
        store.create("停车难", &p),
        Err(Error::PacketExists { .. })
    ));
    let (after, added) = store
        .update("停车难", None, |p| {
            p.add(&["parking-01".to_string()], None)
        })
        .unwrap();
    assert_eq!(added, ["parking-01"]);
    assert_ne!(after.version, created.version);
    assert_eq!(store.load("停车难").unwrap(), after);
    // An edit based on the old version is refused, and changes nothing.
    let stale = store.update("停车难", Some(&created.version), |p| {
        p.title = "改名".into();
        Ok(())
    });
    assert!(matches!(stale, Err(Error::PacketConflict(_))));
    assert_eq!(store.load("停车难").unwrap().packet.title, "停车难专题");
    assert!(matches!(
        store.delete("停车难", Some(&created.version)),
        Err(Error::PacketConflict(_))
    ));
    store.delete("停车难", Some(&after.version)).unwrap();
    assert!(matches!(
        store.load("停车难"),
        Err(Error::PacketNotFound(_))
    ));
}

#[test]
fn a_failed_edit_leaves_the_file_alone() {
    let (_d, store) = store();
    store.create("a", &Packet::new("标题")).unwrap();
    let before = store.load("a").unwrap();
    assert!(store.update("a", None, |p| p.remove("nope")).is_err());
    assert_eq!(store.load("a").unwrap(), before);
}

#[test]
fn bad_files_name_path_and_line() {
    let (_d, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    fs::write(
        store.dir().join("坏.toml"),
        "title = \"停车\"\n\n[[cases]]\nid = \"a\"\nnoet = \"拼错了\"\n",
    )
    .unwrap();
    let err = store.load("坏").unwrap_err().to_string();
    assert!(err.contains("坏.toml:5:"), "{err}");
    fs::write(store.dir().join("notes.txt"), "not a packet").unwrap();
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].is_err());
}

#[test]
fn problems_name_the_line_of_a_missing_id() {
    let (_d, store) = store();
    let mut p = Packet::new("停车");
    p.add(&["parking-01".into(), "gone-07".into()], None)
        .unwrap();
    store.create("停车", &p).unwrap();
    let problems = store.problems(|id| id == "parking-01").unwrap();
    assert_eq!(problems.len(), 1);
    let text = fs::read_to_string(store.path("停车").unwrap()).unwrap();
    let line = 1 + text.lines().position(|l| l.contains("gone-07")).unwrap();
    let msg = problems[0].to_string();
    assert!(msg.contains(&format!("停车.toml:{line}:")), "{msg}");
    assert!(msg.contains("gone-07"), "{msg}");
}

#[test]
fn summaries_read_a_file_again_only_when_it_changed() {
    use std::sync::atomic::Ordering::Relaxed;
    let (_d, store) = store();
    for name in ["a", "b", "c"] {
        store
            .create(name, &Packet::new(format!("标题{name}")))
            .unwrap();
    }
    let reads = || store.shared.summary_reads.load(Relaxed);
    let first = store.summaries().unwrap();
    assert_eq!(first.len(), 3);
    assert_eq!(reads(), 3);
    // Nothing changed: nothing is read (a clone of the store shares the summaries).
    let again = store.clone().summaries().unwrap();
    assert_eq!(reads(), 3);
    assert_eq!(
        first
            .iter()
            .map(|r| r.as_ref().unwrap())
            .collect::<Vec<_>>(),
        again
            .iter()
            .map(|r| r.as_ref().unwrap())
            .collect::<Vec<_>>()
    );
    // One edit, one deletion: one file read, and the deleted one gone.
    store
        .update("b", None, |p| p.add(&["case-1".into()], None))
        .unwrap();
    store.delete("c", None).unwrap();
    let now = store.summaries().unwrap();
    assert_eq!(reads(), 4);
    let b = now[1].as_ref().unwrap();
    assert_eq!((b.name.as_str(), b.cases), ("b", 1));
    assert_eq!(now.len(), 2);
    // Edited in place by hand (the same file): seen too.
    let path = store.path("a").unwrap();
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("标题a", "手改的标题");
    fs::write(&path, text).unwrap();
    let now = store.summaries().unwrap();
    assert_eq!(now[0].as_ref().unwrap().title, "手改的标题");
}

#[test]
fn renames_and_removals_are_made_durable() {
    use std::sync::atomic::Ordering::Relaxed;
    let (_d, store) = store();
    let syncs = || store.shared.dir_syncs.load(Relaxed);
    store.create("a", &Packet::new("标题")).unwrap();
    assert_eq!(syncs(), 1);
    store
        .update("a", None, |p| p.add(&["x".into()], None))
        .unwrap();
    assert_eq!(syncs(), 2);
    store.delete("a", None).unwrap();
    assert_eq!(syncs(), 3);
}

#[test]
fn size_and_number_are_limited() {
    let (_d, store) = store();
    let mut big = Packet::new("大");
    big.questions = (0..crate::packet::MAX_QUESTIONS)
        .map(|i| format!("{i}{}", "问".repeat(3_000)))
        .collect();
    assert!(matches!(
        store.create("big", &big),
        Err(Error::PacketTooLarge { .. })
    ));
    assert!(!store.dir().join("big.toml").exists());
    fs::create_dir_all(store.dir()).unwrap();
    for i in 0..MAX_PACKETS {
        fs::write(store.dir().join(format!("p{i}.toml")), "title = \"t\"\n").unwrap();
    }
    assert!(matches!(
        store.create("one-more", &Packet::new("t")),
        Err(Error::TooManyPackets { .. })
    ));
    // A file larger than the limit is not read.
    fs::write(
        store.dir().join("huge.toml"),
        format!("title = \"{}\"\n", "x".repeat(MAX_PACKET_BYTES)),
    )
    .unwrap();
    let err = store.load("huge").unwrap_err().to_string();
    assert!(
        err.contains("huge.toml:1:") && err.contains("太大"),
        "{err}"
    );
}

#[test]
fn concurrent_edits_from_many_threads_all_survive() {
    let (_d, store) = store();
    store.create("课", &Packet::new("并发")).unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let store = store.clone();
            s.spawn(move || {
                for i in 0..10 {
                    store
                        .update("课", None, |p| p.add(&[format!("case-{t}-{i}")], None))
                        .unwrap();
                }
            });
        }
    });
    assert_eq!(store.load("课").unwrap().packet.cases.len(), 80);
}

#[test]
fn a_taken_name_comes_back_with_a_free_one() {
    let (_d, store) = store();
    store.create("加梯专题", &Packet::new("加梯")).unwrap();
    store.create("加梯专题-2", &Packet::new("加梯")).unwrap();
    match store.create("加梯专题", &Packet::new("又一个")) {
        Err(Error::PacketExists { name, suggestion }) => {
            assert_eq!(
                (name.as_str(), suggestion.as_str()),
                ("加梯专题", "加梯专题-3")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.free_name("停车").unwrap(), "停车");
    assert_eq!(store.free_name("a/b").unwrap(), "案例包");
    // A long stem is shortened to leave room for the number.
    let long = "长".repeat(crate::packet::MAX_NAME_CHARS);
    store.create(&long, &Packet::new("长")).unwrap();
    let free = store.free_name(&long).unwrap();
    assert!(free.ends_with("-2") && check_name(&free).is_ok(), "{free}");
}

#[test]
fn copy_and_rename() {
    let (_d, store) = store();
    let mut p = Packet::new("加梯专题");
    p.add(&["a".into(), "b".into()], None).unwrap();
    p.set_note("a", "按语").unwrap();
    p.remove("b").unwrap();
    let original = store.create("加梯", &p).unwrap();
    // A copy: same cases and notes, its own title, no undo list.
    let copy = store
        .copy("加梯", "加梯-二期", Some(" 加梯专题（二期） "))
        .unwrap();
    assert_eq!(copy.packet.title, "加梯专题（二期）");
    assert_eq!(copy.packet.cases, p.cases);
    assert!(copy.packet.removed.is_empty());
    assert_eq!(
        store.load("加梯").unwrap(),
        original,
        "the original is untouched"
    );
    assert!(matches!(
        store.copy("加梯", "加梯-二期", None),
        Err(Error::PacketExists { .. })
    ));
    assert!(matches!(
        store.copy("没有", "x", None),
        Err(Error::PacketNotFound(_))
    ));
    // Rename: same bytes under the new name, the old name gone.
    assert!(matches!(
        store.rename("加梯", "加梯-二期", None),
        Err(Error::PacketExists { .. })
    ));
    assert!(matches!(
        store.rename("加梯", "新名", Some("stale")),
        Err(Error::PacketConflict(_))
    ));
    let renamed = store
        .rename("加梯", "加梯-一期", Some(&original.version))
        .unwrap();
    assert_eq!(renamed.version, original.version);
    assert_eq!(store.load("加梯-一期").unwrap().packet, p);
    assert!(matches!(store.load("加梯"), Err(Error::PacketNotFound(_))));
    let names: Vec<String> = store
        .summaries()
        .unwrap()
        .into_iter()
        .map(|s| s.unwrap().name)
        .collect();
    assert_eq!(names, ["加梯-一期", "加梯-二期"]);
    assert!(store.rename("加梯-一期", "../x", None).is_err());
}
