//! Packet files on disk: `packets/NAME.toml`.
//!
//! Every change is a read–modify–write under an exclusive lock on `packets/.lock` (an OS file
//! lock, so it holds between threads of the service and between the service and the CLI), and
//! the new file replaces the old one by rename, so a reader never sees half a file and two edits
//! made at the same moment both survive. An edit made from a stale view (the web form's
//! whole-packet edit) carries the version it was based on; if the file changed since, it is
//! refused with [`Error::PacketConflict`] instead of overwriting the other edit. After a rename
//! or removal the folder itself is synced too, so the change survives a power cut.
//!
//! The store holds at most [`MAX_PACKETS`] packets of at most [`MAX_PACKET_BYTES`] each, and
//! keeps a [`Summary`] of each file (title, number of cases, …) that it re-reads only when the
//! file changed, for the lists and the "加入案例包" picker.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::{check_name, Packet};
use crate::error::{Error, Result};

/// A packet read from disk, with its name and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPacket {
    /// The name (file stem).
    pub name: String,
    /// The packet.
    pub packet: Packet,
    /// A short hash of the file's bytes; changes with every edit.
    pub version: String,
}

/// Most packets the store holds (creating one more is refused with
/// [`Error::TooManyPackets`]).
pub const MAX_PACKETS: usize = 200;
/// Largest packet file, in bytes: a save that would be larger is refused with
/// [`Error::PacketTooLarge`], and a larger (hand-made) file is not read.
pub const MAX_PACKET_BYTES: usize = 256 * 1024;

/// What the lists and the picker show of a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub name: String,
    pub title: String,
    pub audience: String,
    pub date: String,
    /// Number of cases.
    pub cases: usize,
    pub version: String,
    /// When the file was last written.
    pub modified: Option<SystemTime>,
}

/// The `packets/` folder.
#[derive(Debug, Clone)]
pub struct PacketStore {
    dir: PathBuf,
    shared: Arc<Shared>,
}

/// What the clones of a store share: the summaries, each with the file state it was read from.
#[derive(Debug, Default)]
struct Shared {
    summaries: Mutex<HashMap<String, (Stamp, Summary)>>,
    /// Packet files parsed to make summaries (tests check the cache works).
    #[cfg(test)]
    summary_reads: std::sync::atomic::AtomicUsize,
    /// Folder syncs (tests check that renames and removals are made durable).
    #[cfg(test)]
    dir_syncs: std::sync::atomic::AtomicUsize,
}

/// A file's state as far as the summary cache is concerned: it changes with every write (each
/// one is a new file renamed into place) and with edits in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl Stamp {
    fn of(m: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(m);
        #[cfg(not(unix))]
        let inode = 0;
        Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            inode,
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The version of a packet file's bytes.
pub fn version_of(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

impl PacketStore {
    /// The store in `dir` (created on the first write).
    pub fn new(dir: impl Into<PathBuf>) -> PacketStore {
        PacketStore {
            dir: dir.into(),
            shared: Arc::default(),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of packet `name` (after checking the name).
    pub fn path(&self, name: &str) -> Result<PathBuf> {
        check_name(name)?;
        Ok(self.dir.join(format!("{name}.toml")))
    }

    /// The names of the packet files, sorted.
    fn names(&self) -> Result<Vec<String>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&self.dir)(e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io(&self.dir))?;
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str().and_then(|n| n.strip_suffix(".toml")) else {
                continue;
            };
            if check_name(name).is_ok() {
                names.push(name.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Every packet file, sorted by name; a file that cannot be read is returned as its error.
    pub fn list(&self) -> Result<Vec<Result<StoredPacket>>> {
        Ok(self.names()?.iter().map(|n| self.load(n)).collect())
    }

    /// A summary of every packet file, sorted by name (a file that cannot be read is returned
    /// as its error). Files are parsed only when they changed since the last call.
    pub fn summaries(&self) -> Result<Vec<Result<Summary>>> {
        let names = self.names()?;
        let mut out = Vec::with_capacity(names.len());
        let mut fresh = HashMap::with_capacity(names.len());
        let cached = self.cached_summaries();
        for name in names {
            let path = self.dir.join(format!("{name}.toml"));
            let stamp = match fs::metadata(&path) {
                Ok(m) => Stamp::of(&m),
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => {
                    out.push(Err(io(&path)(e)));
                    continue;
                }
            };
            if let Some((s, summary)) = cached.get(&name).filter(|(s, _)| *s == stamp) {
                fresh.insert(name, (*s, summary.clone()));
                out.push(Ok(summary.clone()));
                continue;
            }
            #[cfg(test)]
            self.shared
                .summary_reads
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match self.load(&name) {
                Ok(stored) => {
                    let summary = Summary {
                        title: stored.packet.title,
                        audience: stored.packet.audience,
                        date: stored.packet.date,
                        cases: stored.packet.cases.len(),
                        version: stored.version,
                        modified: stamp.modified,
                        name: stored.name,
                    };
                    fresh.insert(name, (stamp, summary.clone()));
                    out.push(Ok(summary));
                }
                Err(Error::PacketNotFound(_)) => {}
                Err(e) => out.push(Err(e)),
            }
        }
        *self
            .shared
            .summaries
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = fresh;
        Ok(out)
    }

    fn cached_summaries(&self) -> HashMap<String, (Stamp, Summary)> {
        self.shared
            .summaries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Read packet `name`.
    pub fn load(&self, name: &str) -> Result<StoredPacket> {
        let path = self.path(name)?;
        let bytes = match read_capped(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(Error::PacketNotFound(name.to_string()))
            }
            Err(e) => return Err(io(&path)(e)),
        };
        if bytes.len() > MAX_PACKET_BYTES {
            return Err(Error::PacketFile {
                path,
                line: 1,
                message: format!(
                    "文件太大（上限 {} KB），不读取；请删减按语、讨论题或案例",
                    MAX_PACKET_BYTES / 1024
                ),
            });
        }
        let packet = parse(&path, &bytes)?;
        Ok(StoredPacket {
            name: name.to_string(),
            packet,
            version: version_of(&bytes),
        })
    }

    /// Create packet `name`; fails with [`Error::PacketExists`] (with a free name to suggest)
    /// if it exists.
    pub fn create(&self, name: &str, packet: &Packet) -> Result<StoredPacket> {
        let path = self.path(name)?;
        packet.validate()?;
        let _lock = self.lock()?;
        self.check_new(name, &path)?;
        self.write(name, &path, packet)
    }

    /// A name for a new packet that is not taken: `stem`, else `stem-2`, `stem-3`, … (`stem`
    /// shortened if need be; 案例包 if it is not a usable name).
    pub fn free_name(&self, stem: &str) -> Result<String> {
        let stem = if check_name(stem).is_ok() {
            stem.to_string()
        } else {
            "案例包".to_string()
        };
        let taken = self.names()?;
        for i in 1..=taken.len() + 1 {
            let name = if i == 1 {
                stem.clone()
            } else {
                let tail = format!("-{i}");
                let mut head: String = stem.clone();
                while check_name(&format!("{head}{tail}")).is_err() && !head.is_empty() {
                    head.pop();
                }
                format!("{head}{tail}")
            };
            if !taken.contains(&name) && check_name(&name).is_ok() {
                return Ok(name);
            }
        }
        Err(Error::TooManyPackets { max: MAX_PACKETS })
    }

    /// Refuse a new packet `name` (under the lock): taken, or one too many.
    fn check_new(&self, name: &str, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(Error::PacketExists {
                name: name.to_string(),
                suggestion: self.free_name(name)?,
            });
        }
        if self.names()?.len() >= MAX_PACKETS {
            return Err(Error::TooManyPackets { max: MAX_PACKETS });
        }
        Ok(())
    }

    /// Copy packet `from` to a new packet `to` (refused like [`create`](Self::create) if
    /// `to` exists), with a new title if one is given; the copy does not keep the removed
    /// cases.
    pub fn copy(&self, from: &str, to: &str, title: Option<&str>) -> Result<StoredPacket> {
        let path = self.path(to)?;
        let _lock = self.lock()?;
        let mut packet = self.load(from)?.packet;
        packet.removed.clear();
        if let Some(t) = title.map(super::clean_line).filter(|t| !t.is_empty()) {
            packet.title = t;
        }
        packet.validate()?;
        self.check_new(to, &path)?;
        self.write(to, &path, &packet)
    }

    /// Rename packet `from` to `to` (refused if `to` exists, or, like
    /// [`update`](Self::update), if `expected` is stale). The file keeps its bytes.
    pub fn rename(&self, from: &str, to: &str, expected: Option<&str>) -> Result<StoredPacket> {
        let old = self.path(from)?;
        let new = self.path(to)?;
        let _lock = self.lock()?;
        let current = self.load(from)?;
        if expected.is_some_and(|v| v != current.version) {
            return Err(Error::PacketConflict(from.to_string()));
        }
        if from == to {
            return Ok(current);
        }
        if new.exists() {
            return Err(Error::PacketExists {
                name: to.to_string(),
                suggestion: self.free_name(to)?,
            });
        }
        let bytes = read_capped(&old).map_err(io(&old))?;
        self.put(to, &new, &bytes)?;
        fs::remove_file(&old).map_err(io(&old))?;
        self.sync_dir()?;
        Ok(StoredPacket {
            name: to.to_string(),
            ..current
        })
    }

    /// Apply `change` to the current packet `name` and save it, all under the lock. With
    /// `expected`, the change is refused if the file's version is no longer that one.
    pub fn update<T>(
        &self,
        name: &str,
        expected: Option<&str>,
        change: impl FnOnce(&mut Packet) -> Result<T>,
    ) -> Result<(StoredPacket, T)> {
        let path = self.path(name)?;
        let _lock = self.lock()?;
        let mut current = self.load(name)?;
        if let Some(v) = expected {
            if v != current.version {
                return Err(Error::PacketConflict(name.to_string()));
            }
        }
        let out = change(&mut current.packet)?;
        current.packet.validate()?;
        let stored = self.write(name, &path, &current.packet)?;
        Ok((stored, out))
    }

    /// Delete packet `name` (refused, like [`update`](Self::update), if `expected` is stale).
    pub fn delete(&self, name: &str, expected: Option<&str>) -> Result<()> {
        let path = self.path(name)?;
        let _lock = self.lock()?;
        let current = self.load(name)?;
        if expected.is_some_and(|v| v != current.version) {
            return Err(Error::PacketConflict(name.to_string()));
        }
        fs::remove_file(&path).map_err(io(&path))?;
        self.sync_dir()
    }

    /// What `anli check` reports: packet files that cannot be read, and case ids that `exists`
    /// says are not in the corpus (as [`Error::PacketFile`] with the line of the id).
    pub fn problems(&self, exists: impl Fn(&str) -> bool) -> Result<Vec<Error>> {
        let mut out = Vec::new();
        for item in self.list()? {
            let stored = match item {
                Ok(s) => s,
                Err(e) => {
                    out.push(e);
                    continue;
                }
            };
            let path = self.path(&stored.name)?;
            let text = fs::read_to_string(&path).unwrap_or_default();
            for id in stored.packet.ids().filter(|id| !exists(id)) {
                let quoted = format!("\"{id}\"");
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with("id") && l.contains(&quoted))
                    .map_or(1, |i| i + 1);
                out.push(Error::PacketFile {
                    path: path.clone(),
                    line,
                    message: format!(
                        "案例包“{}”里的案例“{id}”已不在案例库中（导出时会标为缺失）",
                        stored.name
                    ),
                });
            }
        }
        Ok(out)
    }

    fn lock(&self) -> Result<File> {
        if !self.dir.is_dir() {
            fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
            // The new folder's own entry, in its parent.
            if let Some(parent) = self.dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                sync_dir(parent)?;
            }
        }
        let path = self.dir.join(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        // Released when the file is dropped (closed), also if this process dies.
        file.lock().map_err(io(&path))?;
        Ok(file)
    }

    fn write(&self, name: &str, path: &Path, packet: &Packet) -> Result<StoredPacket> {
        let text = toml::to_string(packet)
            .map_err(|e| Error::PacketEdit(format!("案例包无法保存：{e}")))?;
        let mut text =
            format!("# anli 案例包。可以直接编辑；`anli check` 会检查格式和案例编号。\n{text}");
        if !text.ends_with('\n') {
            text.push('\n');
        }
        if text.len() > MAX_PACKET_BYTES {
            return Err(Error::PacketTooLarge {
                max_kb: MAX_PACKET_BYTES / 1024,
            });
        }
        self.put(name, path, text.as_bytes())?;
        Ok(StoredPacket {
            name: name.to_string(),
            packet: packet.clone(),
            version: version_of(text.as_bytes()),
        })
    }
}

impl PacketStore {
    /// Write `bytes` as packet `name`'s file: a temporary file, synced, renamed into place,
    /// and the folder synced.
    fn put(&self, name: &str, path: &Path, bytes: &[u8]) -> Result<()> {
        let tmp = self.dir.join(format!(".{name}.toml.tmp"));
        let mut f = File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        drop(f);
        fs::rename(&tmp, path).map_err(io(path))?;
        self.sync_dir()
    }

    /// Make the folder's entries (a rename, a removal) durable.
    fn sync_dir(&self) -> Result<()> {
        #[cfg(test)]
        self.shared
            .dir_syncs
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sync_dir(&self.dir)
    }
}

/// fsync a folder (on Unix; elsewhere renames are made durable by the file system).
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A file's bytes, but never more than one byte over [`MAX_PACKET_BYTES`].
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(MAX_PACKET_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Parse a packet file; errors carry the path and line.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Packet> {
    let bad = |line: usize, message: String| Error::PacketFile {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        bad(line, "不是 UTF-8 文本".into())
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let packet: Packet = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count())
            .unwrap_or(1);
        bad(line, e.message().trim().to_string())
    })?;
    packet.validate().map_err(|e| bad(1, e.to_string()))?;
    Ok(packet)
}

#[cfg(test)]
mod tests;
