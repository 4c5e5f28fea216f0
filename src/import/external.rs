//! Running the optional converters (poppler's `pdftotext`, LibreOffice's `soffice`) on files
//! that may come from anyone: a private scratch folder removed afterwards, a wall-clock
//! deadline, resource limits on the child, and a cap on what is read from it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A private temporary folder, removed with everything in it on drop.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    /// A new empty folder under the system's temporary folder.
    pub fn new() -> std::io::Result<Scratch> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = base.join(format!("anli-import-{}-{n}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(Scratch(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Write `bytes` to the file `name` in the folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let path = self.0.join(name);
        std::fs::write(&path, bytes)?;
        Ok(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How a converter run ended.
#[derive(Debug)]
pub enum Ran {
    /// It exited (with this status); its standard output, up to the cap.
    Exited(ExitStatus, Vec<u8>),
    /// It was still running at the deadline and was killed.
    TimedOut,
    /// The program is not installed.
    Missing,
}

/// What a converter may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock deadline, and the CPU time limit.
    pub time: Duration,
    /// Most address space, when limited.
    pub memory: Option<u64>,
    /// Whether it may write files (a converter writing its output file must).
    pub write_files: bool,
    /// Most bytes of standard output read.
    pub output: u64,
}

/// Run `command` (stdin closed, stderr dropped) within `limits`.
pub fn run(command: &mut Command, limits: Limits) -> std::io::Result<Ran> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    limit_child(command, limits);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ran::Missing),
        Err(e) => return Err(e),
    };
    // Read the output on another thread while this one watches the clock.
    let stdout = child.stdout.take();
    let cap = limits.output;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut s) = stdout {
            (&mut s).take(cap).read_to_end(&mut out)?;
            // Past the cap the rest is drained, so the child is not blocked writing.
            std::io::copy(&mut s, &mut std::io::sink())?;
        }
        Ok::<_, std::io::Error>(out)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > limits.time {
            let _ = child.kill();
            let _ = child.wait();
            let _ = reader.join();
            return Ok(Ran::TimedOut);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = reader
        .join()
        .map_err(|_| std::io::Error::other("the output reader stopped"))??;
    Ok(Ran::Exited(status, out))
}

/// Resource limits set in the child between fork and exec.
#[cfg(unix)]
fn limit_child(command: &mut Command, limits: Limits) {
    use std::os::unix::process::CommandExt;
    let cpu = limits.time.as_secs().max(1) as libc::rlim_t;
    let memory = limits.memory.map(|m| m as libc::rlim_t);
    let no_files = !limits.write_files;
    // SAFETY: between fork and exec the closure only calls setrlimit, which is
    // async-signal-safe, on the child's own limits; nothing is allocated.
    unsafe {
        command.pre_exec(move || {
            let set = |resource, limit: libc::rlim_t| {
                let r = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(resource, &r) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            };
            set(libc::RLIMIT_CPU, cpu)?;
            if let Some(m) = memory {
                set(libc::RLIMIT_AS, m)?;
            }
            if no_files {
                set(libc::RLIMIT_FSIZE, 0)?;
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_child(_: &mut Command, _: Limits) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_a_deadline_and_the_output_cap() {
        let limits = Limits {
            time: Duration::from_secs(5),
            memory: None,
            write_files: false,
            output: 4,
        };
        assert!(matches!(
            run(&mut Command::new("anli-no-such-program"), limits).unwrap(),
            Ran::Missing
        ));
        #[cfg(unix)]
        {
            match run(Command::new("echo").arg("停车难"), limits).unwrap() {
                Ran::Exited(status, out) => {
                    assert!(status.success());
                    assert_eq!(out, "停车难".as_bytes()[..4]);
                }
                other => panic!("{other:?}"),
            }
            let quick = Limits {
                time: Duration::from_millis(200),
                ..limits
            };
            assert!(matches!(
                run(Command::new("sleep").arg("5"), quick).unwrap(),
                Ran::TimedOut
            ));
        }
    }

    #[test]
    fn a_scratch_folder_goes_away() {
        let s = Scratch::new().unwrap();
        let p = s.write("a.txt", "文字".as_bytes()).unwrap();
        assert!(p.is_file());
        let dir = s.path().to_path_buf();
        drop(s);
        assert!(!dir.exists());
    }
}
