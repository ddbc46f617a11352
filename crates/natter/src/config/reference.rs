//! `docs/configuration.md`, written from the same definitions as the flags by
//! `natter config-reference`. A unit test fails when the committed file differs.

use std::fmt::Write;

use clap::Arg;

use super::layers::{CONFIG_FILE, define};
use super::{LOG_DEFAULT, LOG_VARIABLE, SECRETS, file_key, flag, variable};

const INTRODUCTION: &str = "\
# Configuration

<!-- Written by `natter config-reference` from the settings' definitions in the natter crate
(crates/natter/src/config.rs); a unit test fails when this file differs from what it writes.
Regenerate it with: cargo run -p natter -- config-reference > docs/configuration.md -->

Every setting of `natter serve` can be given in four ways, each later one winning over the
earlier ones:

1. its default;
2. its key in the TOML file named by `--config` (or `NATTER_CONFIG`);
3. its `NATTER_*` variable;
4. its flag.

`natter serve --help` shows the same list. A flag that takes `true` or `false` means `true` when
given alone (`--dev`).

";

const UNKNOWN_NAMES_AND_TABLE_HEADER: &str = "\
**Unknown names**: a key in the TOML file that is no setting is an error; a `NATTER_*` variable
that is no setting is logged as a warning when the server starts. Both usually are typos.

| Flag | Variable | TOML key | Default | Description |
|---|---|---|---|---|
";

const POSTGRES_TLS: &str = "\
## PostgreSQL over TLS

`--database-url` takes libpq's `sslmode` and `sslrootcert` as query parameters, with libpq's
meanings, so that a URL copied from a managed database's console works as it is:
`postgres://natter:secret@db.example.com:5432/natter?sslmode=verify-full&sslrootcert=/etc/natter/db-ca.pem`.

| `sslmode` | TLS | The server's certificate |
|---|---|---|
| `disable` | never | — |
| `prefer` (the default) | when the server offers it | not checked; with `sslrootcert`, as `verify-ca` |
| `require` | always: a server without TLS is refused | not checked; with `sslrootcert`, as `verify-ca` |
| `verify-ca` | always | must chain to a trusted root; any host name |
| `verify-full` | always | must chain to a trusted root and name the URL's host |

`sslrootcert=<file>` names the trusted roots: a PEM file of one or more CA certificates, such as
the one a database provider publishes. Without it, `verify-ca` and `verify-full` trust the
system's root certificates (on Debian `/etc/ssl/certs`, kept by `update-ca-certificates`;
`SSL_CERT_FILE` or `SSL_CERT_DIR` point elsewhere). `sslrootcert=system` says so explicitly and,
as in libpq, makes `verify-full` the default and a weaker mode an error. An unknown mode, an
unreadable root file, a server without TLS when TLS is required and a certificate that fails its
check each stop `natter serve` at start, with the reason. TLS is 1.2 or 1.3, by rustls.

Where Natter differs from libpq:

- Without `sslrootcert`, libpq trusts `~/.postgresql/root.crt` and refuses `verify-ca` and
  `verify-full` when that file is missing; Natter trusts the system's roots (libpq's
  `sslrootcert=system`).
- `sslmode=allow` (plaintext first, TLS only when the server insists) is refused: use `prefer`.
- Client certificates (`sslcert`, `sslkey`, `sslpassword`) and revocation lists (`sslcrl`) are
  not supported: the URL is refused as having an unknown option.
- Over a Unix socket PostgreSQL offers no TLS: libpq then ignores `sslmode`, while here
  `require` and stricter modes fail.

## A PostgreSQL schema of its own

Natter makes its tables in the first schema of PostgreSQL's `search_path` (`public` unless the
database or its user says otherwise). To keep them in a schema of their own, beside other
applications' tables in one database, create the schema and name it with libpq's `options`
parameter: `postgres://natter:secret@db.example.com/shared?options=-csearch_path%3Dnatter`
(`%3D` is `=`). Every node of a cluster must name the same schema. The test suite runs each
test server so, in a schema of its own.

";

/// The configuration reference, as Markdown.
pub fn reference() -> String {
    let settings = define(clap::Command::new("natter serve"));
    let mut args: Vec<&Arg> = settings.get_arguments().collect();
    args.sort_by_key(|arg| (arg.get_display_order(), arg.get_long()));
    let mut text = String::from(INTRODUCTION);
    let secrets: Vec<String> = SECRETS
        .iter()
        .map(|secret| format!("`{}`", flag(secret)))
        .collect();
    let example = SECRETS[0];
    text.push_str(&wrap(&format!(
        "**Secrets** ({secrets}) also have a file form: `{file_flag}`, `{file_variable}` or \
         `{file_key}` names a file whose content, with surrounding whitespace trimmed, is the \
         value of `{flag}`. This keeps secrets out of the environment and the process list. \
         Giving a secret and its file form in the same layer is an error; across layers the \
         later one wins, as for any setting.",
        secrets = secrets.join(", "),
        file_flag = flag(&file_key(example)),
        file_variable = variable(&file_key(example)),
        file_key = file_key(example),
        flag = flag(example),
    )));
    text.push_str(UNKNOWN_NAMES_AND_TABLE_HEADER);
    for arg in args {
        let key = arg.get_id().as_str();
        let toml_key = if key == CONFIG_FILE {
            "—".to_owned()
        } else {
            format!("`{key}`")
        };
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|value| format!("`{}`", value.to_string_lossy()))
            .collect();
        let default = if defaults.is_empty() {
            "unset".to_owned()
        } else {
            defaults.join(", ")
        };
        let description = arg
            .get_long_help()
            .or(arg.get_help())
            .map(ToString::to_string)
            .unwrap_or_default();
        let description = one_line(&description).replace('|', "\\|");
        let _ = writeln!(
            text,
            "| `{}` | `{}` | {toml_key} | {default} | {description} |",
            // A pipe inside a table cell is escaped even within backticks.
            usage(arg).replace('|', "\\|"),
            variable(key),
        );
    }
    text.push('\n');
    text.push_str(POSTGRES_TLS);
    text.push_str(&wrap(&format!(
        "The log is filtered by `{LOG_VARIABLE}` (default `{LOG_DEFAULT}`), in tracing's \
         `EnvFilter` syntax: for instance `{LOG_VARIABLE}=debug` or \
         `{LOG_VARIABLE}=info,natter_store=debug`. It is read by every command, not only \
         `serve`, and has no flag or TOML key. The log goes to stderr, coloured only when \
         stderr is a terminal and `NO_COLOR` is unset, so a log file, journald or \
         `docker logs` holds plain text."
    )));
    text.push_str(&wrap(&format!(
        "On SQLite every write goes through one writer thread, in batches that share a \
         commit. A batch that holds the writer for {} ms or more is logged as a warning \
         (`SQLite: a batch of writes held the writer for …`), with the milliseconds its \
         statements took (`statements_ms`), its commit, which is the disk's sync \
         (`commit_ms`), and the writer's own checkpoint after it, when it ran one \
         (`log_restart_ms`): every write queued behind such a batch was acknowledged that \
         much later. A healthy disk keeps batches to a few milliseconds; many of these \
         warnings with a large `commit_ms` mean the disk is slow to sync. A WAL checkpoint \
         (the copy of committed pages into the database file, on a thread of its own) that \
         takes as long is logged too (`SQLite: a WAL checkpoint took …`, with the WAL's \
         `frames` and how many it `copied`): it does not hold the writer, but a commit that \
         syncs while it writes shares the disk with it. Every commit's and checkpoint's \
         time is also counted at `GET /metrics` \
         (`natter_sqlite_commit_duration_seconds`, \
         `natter_sqlite_checkpoint_duration_seconds`), below the warning's threshold too.",
        natter_store::sqlite::SLOW_BATCH.as_millis()
    )));
    text.truncate(text.trim_end().len());
    text.push('\n');
    text
}

/// `--flag <VALUE>`: the value's name, or the values it takes; in brackets when optional.
fn usage(arg: &Arg) -> String {
    let long = arg.get_long().unwrap_or_default();
    let choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| value.get_name().to_owned())
        .collect();
    let value = if choices.is_empty() {
        match arg.get_value_names().and_then(|names| names.first()) {
            Some(name) => name.to_string(),
            None => arg.get_id().as_str().to_ascii_uppercase(),
        }
    } else {
        choices.join("|")
    };
    if arg
        .get_num_args()
        .is_some_and(|range| range.min_values() == 0)
    {
        format!("--{long} [<{value}>]")
    } else {
        format!("--{long} <{value}>")
    }
}

/// Paragraphs and wrapped lines joined into one line, for a table cell.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A paragraph wrapped at 96 columns, ending with a blank line.
fn wrap(paragraph: &str) -> String {
    let mut text = String::new();
    let mut line = String::new();
    for word in paragraph.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > 96 {
            text.push_str(&line);
            text.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    text.push_str(&line);
    text.push_str("\n\n");
    text
}
