//! Running the `anli` binary over a fixture, and what it printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{schema_dir, Fixture};

/// `anli` over the fixture's corpus, index and packets with the repository's schema (and no
/// `ANLI_LOG` from the environment).
pub fn anli_command(f: &Fixture) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_anli"));
    c.env("ANLI_CORPUS", f.corpus())
        .env("ANLI_INDEX", f.index())
        .env("ANLI_SCHEMA", schema_dir())
        .env("ANLI_PACKETS", f.packets())
        .env_remove("ANLI_LOG");
    c
}

/// Run `anli ARGS` over `f`.
pub fn anli(f: &Fixture, args: &[&str]) -> Output {
    anli_command(f).args(args).output().expect("anli runs")
}

/// Run `anli ARGS` over `f` in the folder `cwd` (where handouts are written).
pub fn anli_in(f: &Fixture, cwd: &Path, args: &[&str]) -> Output {
    anli_command(f)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("anli runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The standard output of a run that must have succeeded.
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(o)
}

/// The first of `names` found on `PATH` (the first name wins over the later ones).
pub fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// Have LibreOffice (`soffice`) convert `input` with the filter `to` (`pdf`,
/// `docx:MS Word 2007 XML` …) into the folder `input` is in, with a profile of its own there.
pub fn soffice_convert(soffice: &Path, input: &Path, to: &str) -> Output {
    soffice_convert_with(soffice, input, None, to)
}

/// [`soffice_convert`] reading `input` with the import filter `infilter` (`HTML (StarWriter)`
/// opens a web page as a Writer document, as a person pasting it into Word would).
pub fn soffice_convert_with(
    soffice: &Path,
    input: &Path,
    infilter: Option<&str>,
    to: &str,
) -> Output {
    let dir = input.parent().expect("a file in a folder");
    let mut cmd = Command::new(soffice);
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        dir.join("lo-profile").display()
    ))
    .args(["--headless", "--norestore"]);
    if let Some(f) = infilter {
        cmd.arg(format!("--infilter={f}"));
    }
    cmd.args(["--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(input)
        .env("HOME", dir)
        .output()
        .expect("soffice runs")
}

/// Paragraph texts and style ids of a .docx, read back with docx-rs.
pub fn docx_paragraphs(bytes: &[u8]) -> Vec<(String, String)> {
    let doc = docx_rs::read_docx(bytes).expect("the .docx reads back");
    doc.document
        .children
        .iter()
        .filter_map(|c| match c {
            docx_rs::DocumentChild::Paragraph(p) => Some((
                p.property
                    .style
                    .as_ref()
                    .map(|s| s.val.clone())
                    .unwrap_or_default(),
                p.raw_text(),
            )),
            _ => None,
        })
        .collect()
}
