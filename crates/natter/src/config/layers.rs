//! The layers, each later one winning: the defaults, the TOML file, the `NATTER_*` variables,
//! the flags given on the command line.
//!
//! clap parses the flags, and [`ServeArgs`] keeps only those that were on the command line, so
//! clap's defaults cannot hide the file or the variables. clap never reads the environment:
//! the variables come in as a list (tests pass their own) and go through the same figment
//! extraction as the file. Each layer is a figment provider that names its keys the way the
//! operator wrote them, so an error says `NATTER_RATE_LIMIT`, `--rate-limit` or `rate_limit in
//! natter.toml`, whichever was wrong.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches, value_parser};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};

use super::{Config, LOG_VARIABLE, SECRETS, file_key, flag, variable};

/// The id of `--config`, the one flag that is no setting: it names the file layer.
pub(crate) const CONFIG_FILE: &str = "config";

/// Every flag of `natter serve`: `--config`, one per field of [`Config`], and the file form
/// of each secret, shown next to it. Everything else (variables, TOML keys, the reference) is
/// named after these.
pub(crate) fn define(command: Command) -> Command {
    let command = command.arg(
        Arg::new(CONFIG_FILE)
            .long("config")
            .value_name("FILE")
            .value_parser(value_parser!(PathBuf))
            .help("A TOML file with any of the settings below, by their TOML key"),
    );
    let command = Config::augment_args(command);
    let file_forms: Vec<Arg> = SECRETS
        .iter()
        .map(|secret| {
            let setting = command
                .get_arguments()
                .find(|arg| arg.get_id() == secret)
                .unwrap_or_else(|| panic!("SECRETS names {secret:?}, which is no setting"));
            let long = setting.get_long().expect("every setting has a flag");
            Arg::new(file_key(secret))
                .long(format!("{long}-file"))
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                // Right after the secret in `--help` (ties are ordered by name).
                .display_order(setting.get_display_order())
                .help(format!(
                    "A file holding {} (surrounding whitespace trimmed): keeps the secret out \
                     of the environment and the process list",
                    flag(secret)
                ))
        })
        .collect();
    command.args(file_forms)
}

/// The flags and the variables of `natter serve`, named after the TOML keys.
fn settings() -> Command {
    define(Command::new("natter serve"))
}

/// Adds each flag's variable to its help, as clap's own `env` would, without clap reading it.
fn with_variable_hints(command: Command) -> Command {
    command.mut_args(|arg| {
        let hint = format!("[env: {}]", variable(arg.get_id().as_str()));
        let help = arg.get_help().map(|help| format!("{help} {hint}"));
        let long_help = arg.get_long_help().map(|help| format!("{help} {hint}"));
        let arg = match help {
            Some(help) => arg.help(help),
            None => arg,
        };
        match long_help {
            Some(long_help) => arg.long_help(long_help),
            None => arg,
        }
    })
}

/// `natter serve`'s command line: the config file, and the settings given as flags.
#[derive(Debug, Clone, Default)]
pub struct ServeArgs {
    config_file: Option<PathBuf>,
    /// Only the settings that were on the command line, by TOML key: the flags layer.
    flags: Dict,
}

impl ServeArgs {
    /// Parses `natter serve`'s flags (without the program and subcommand names).
    pub fn parse_from<I, T>(flags: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let command = Self::augment_args(Command::new("serve").no_binary_name(true));
        Self::from_arg_matches(&command.try_get_matches_from(flags)?)
    }
}

impl Args for ServeArgs {
    fn augment_args(command: Command) -> Command {
        with_variable_hints(define(command))
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

impl FromArgMatches for ServeArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let given = Config::from_arg_matches(matches)?;
        let unrepresentable = || {
            clap::Error::raw(
                ErrorKind::InvalidUtf8,
                "a flag's value is not valid UTF-8\n",
            )
        };
        let Ok(Value::Dict(_, every)) = Value::serialize(&given) else {
            return Err(unrepresentable());
        };
        let mut flags: Dict = every
            .into_iter()
            .filter(|(key, _)| matches.value_source(key) == Some(ValueSource::CommandLine))
            .collect();
        for secret in SECRETS {
            let key = file_key(secret);
            if let Some(path) = matches.get_one::<PathBuf>(&key) {
                let path = path.to_str().ok_or_else(unrepresentable)?;
                flags.insert(key, Value::from(path));
            }
        }
        Ok(Self {
            config_file: matches.get_one::<PathBuf>(CONFIG_FILE).cloned(),
            flags,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// Where a layer's values come from.
#[derive(Debug, Clone)]
enum Origin {
    Defaults,
    File(PathBuf),
    Variables,
    Flags,
}

impl Origin {
    /// How the operator writes `key` in this layer.
    fn name(&self, key: &str) -> String {
        match self {
            Origin::Defaults => format!("the default of {}", flag(key)),
            Origin::File(path) => format!("{key} in {}", path.display()),
            Origin::Variables => variable(key),
            Origin::Flags => flag(key),
        }
    }

    fn label(&self) -> String {
        match self {
            Origin::Defaults => "the defaults".into(),
            Origin::File(path) => format!("the config file {}", path.display()),
            Origin::Variables => "the NATTER_* variables".into(),
            Origin::Flags => "the flags".into(),
        }
    }
}

/// One layer: its values by TOML key.
struct Layer {
    origin: Origin,
    values: Dict,
    /// The secrets this layer gave by their file form: errors name the file form.
    read_from_files: Vec<String>,
}

impl Layer {
    fn new(origin: Origin, values: Dict) -> Self {
        Self {
            origin,
            values,
            read_from_files: Vec::new(),
        }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        let origin = self.origin.clone();
        let read_from_files = self.read_from_files.clone();
        Metadata::named(self.origin.label()).interpolater(move |_, keys: &[&str]| {
            let key = keys.join(".");
            if read_from_files.contains(&key) {
                origin.name(&file_key(&key))
            } else {
                origin.name(&key)
            }
        })
    }

    fn data(&self) -> figment::Result<Map<Profile, Dict>> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

impl Config {
    /// The settings from every layer, each later one winning: the defaults, the TOML file
    /// (`--config`, or `NATTER_CONFIG`), the `NATTER_*` `variables`, the flags in `args`. Reads
    /// the file and the secrets' files, then [`Config::checked_naming`].
    pub fn load(args: &ServeArgs, variables: &[(String, String)]) -> anyhow::Result<Self> {
        let settings = settings();
        let defaults = Value::serialize(Config::default()).context("the defaults")?;
        let mut layers = vec![Layer::new(
            Origin::Defaults,
            defaults.into_dict().unwrap_or_default(),
        )];
        let config_file = args.config_file.clone().or_else(|| {
            let name = variable(CONFIG_FILE);
            let (_, path) = variables.iter().find(|(variable, _)| *variable == name)?;
            Some(PathBuf::from(path))
        });
        if let Some(path) = config_file {
            layers.push(file_layer(&settings, path)?);
        }
        layers.push(variables_layer(&settings, variables));
        layers.push(Layer::new(Origin::Flags, args.flags.clone()));
        read_secrets(&mut layers)?;

        let figment = layers
            .into_iter()
            .fold(Figment::new(), |figment, layer| figment.merge(layer));
        // Lossy: a variable's value is a string, which becomes a number or a boolean where the
        // setting is one.
        let config: Config = figment
            .extract_lossy()
            .map_err(|error| explain(&settings, error))?;
        config.checked_naming(|key| match figment.find_metadata(key) {
            Some(metadata) => metadata.interpolate(&Profile::Default, &[key]),
            None => flag(key),
        })
    }
}

fn file_layer(settings: &Command, path: PathBuf) -> anyhow::Result<Layer> {
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    let values: Dict = toml::from_str(&text)
        .with_context(|| format!("the config file {} is not valid TOML", path.display()))?;
    let keys = || {
        settings
            .get_arguments()
            .map(|arg| arg.get_id().as_str())
            .filter(|key| *key != CONFIG_FILE)
    };
    for key in values.keys() {
        if !keys().any(|known| known == key) {
            let hint = match closest(key, keys()) {
                Some(known) => format!("did you mean {known}?"),
                None => "`natter serve --help` lists every setting".into(),
            };
            bail!(
                "unknown key {key:?} in the config file {}: Natter has no such setting ({hint})",
                path.display()
            );
        }
    }
    Ok(Layer::new(Origin::File(path), values))
}

/// The setting (or file form, or `--config`) that the variable `name` gives.
fn setting_named<'c>(settings: &'c Command, name: &str) -> Option<&'c Arg> {
    settings
        .get_arguments()
        .find(|arg| variable(arg.get_id().as_str()) == name)
}

/// The known variables as a layer; the others are left to [`unknown_variables`].
fn variables_layer(settings: &Command, variables: &[(String, String)]) -> Layer {
    let mut values = Dict::new();
    for (name, value) in variables {
        let Some(arg) = setting_named(settings, name).filter(|arg| arg.get_id() != CONFIG_FILE)
        else {
            continue;
        };
        let value = if matches!(arg.get_action(), ArgAction::Append) {
            // A list: its items separated as on the command line, a comma unless said.
            let delimiter = arg.get_value_delimiter().unwrap_or(',');
            let items = value.split(delimiter).filter(|item| !item.is_empty());
            Value::from(items.map(Value::from).collect::<Vec<_>>())
        } else {
            Value::from(value.as_str())
        };
        values.insert(arg.get_id().to_string(), value);
    }
    Layer::new(Origin::Variables, values)
}

/// Puts each secret's value in place of its file form, read from the file. Only the file of
/// the layer that wins is read. A layer that gives both forms is an error; across layers the
/// later one wins, as for any setting.
fn read_secrets(layers: &mut [Layer]) -> anyhow::Result<()> {
    for secret in SECRETS {
        let file_key = file_key(secret);
        let mut winner = None;
        for (index, layer) in layers.iter_mut().enumerate() {
            let given = layer.values.contains_key(*secret);
            match layer.values.remove(&file_key) {
                Some(_) if given => bail!(
                    "{} and {} are both given: give the secret or the file holding it, not both",
                    layer.origin.name(secret),
                    layer.origin.name(&file_key),
                ),
                Some(path) => winner = Some((index, path)),
                None if given => winner = None,
                None => {}
            }
        }
        if let Some((index, path)) = winner {
            let layer = &mut layers[index];
            let name = layer.origin.name(&file_key);
            let path = path
                .as_str()
                .with_context(|| format!("{name}: expected the path of a file"))?;
            let value = std::fs::read_to_string(path)
                .with_context(|| format!("{name}: cannot read {path}"))?;
            layer
                .values
                .insert(secret.to_string(), Value::from(value.trim()));
            layer.read_from_files.push(secret.to_string());
        }
    }
    Ok(())
}

/// figment's errors, each naming the setting the way it was given, with its default as an
/// example of a valid value.
fn explain(settings: &Command, error: figment::Error) -> anyhow::Error {
    let lines: Vec<String> = error
        .into_iter()
        .map(|error| {
            let place = match &error.metadata {
                Some(metadata) if !error.path.is_empty() => {
                    metadata.interpolate(&Profile::Default, &error.path)
                }
                Some(metadata) => metadata.name.to_string(),
                None => "the configuration".into(),
            };
            let key = error.path.join(".");
            let default = settings
                .get_arguments()
                .find(|arg| arg.get_id() == key.as_str())
                .and_then(|arg| arg.get_default_values().first());
            let hint = match default {
                Some(default) => format!("the default is {}; ", default.to_string_lossy()),
                None => String::new(),
            };
            format!(
                "{place}: {} ({hint}`natter serve --help` describes every setting)",
                error.kind
            )
        })
        .collect();
    anyhow!(lines.join("\n"))
}

/// The process's `NATTER_*` variables. A setting's variable that is not UTF-8 is an error;
/// another one is left out.
pub fn read_variables() -> anyhow::Result<Vec<(String, String)>> {
    let settings = settings();
    let mut variables = Vec::new();
    for (name, value) in std::env::vars_os() {
        let Some(name) = name.to_str().filter(|name| name.starts_with("NATTER_")) else {
            continue;
        };
        match value.into_string() {
            Ok(value) => variables.push((name.to_owned(), value)),
            Err(_) if setting_named(&settings, name).is_some() => {
                bail!("{name} is not valid UTF-8")
            }
            Err(_) => {}
        }
    }
    Ok(variables)
}

/// Every variable Natter reads: one per flag of `natter serve`, and the log filter.
pub(crate) fn known_variables() -> Vec<String> {
    let mut known: Vec<String> = settings()
        .get_arguments()
        .map(|arg| variable(arg.get_id().as_str()))
        .collect();
    known.push(LOG_VARIABLE.into());
    known
}

/// A warning for each `NATTER_*` variable in `variables` that Natter does not read: usually a
/// typo, which would otherwise leave a setting silently at its default.
pub fn unknown_variables(variables: &[(String, String)]) -> Vec<String> {
    let known = known_variables();
    variables
        .iter()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with("NATTER_") && !known.contains(name))
        .map(
            |name| match closest(name, known.iter().map(String::as_str)) {
                Some(known) => {
                    format!("{name} is set but Natter has no such setting (did you mean {known}?)")
                }
                None => format!("{name} is set but Natter has no such setting"),
            },
        )
        .collect()
}

/// The known name nearest to `name`, when it is near enough to be a typo of it.
fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|known| (edit_distance(name, known), known))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, known)| known)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, b) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a != *b);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_from_a_variable_is_split_as_on_the_command_line() {
        // No setting is a list yet; CORS origins or listen addresses will be.
        #[derive(Debug, serde::Deserialize)]
        struct Lists {
            origins: Vec<String>,
            ports: Vec<u16>,
        }
        let list = |id: &'static str| {
            Arg::new(id)
                .long(id)
                .action(ArgAction::Append)
                .value_delimiter(',')
        };
        let command = Command::new("lists")
            .arg(list("origins"))
            .arg(list("ports"));
        let variables = [
            ("NATTER_ORIGINS", "https://a.example,https://b.example"),
            ("NATTER_PORTS", "5100,5200"),
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned()));
        let layer = variables_layer(&command, &variables);
        let lists: Lists = Figment::from(layer).extract_lossy().unwrap();
        assert_eq!(lists.origins, ["https://a.example", "https://b.example"]);
        assert_eq!(lists.ports, [5100, 5200]);
    }
}
