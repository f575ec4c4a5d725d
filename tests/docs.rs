//! The provider's documentation: this file owns `docs/index.md`, `docs/resources/*.md` and
//! `docs/data-sources/*.md`, rendered from three sources: the schemas the provider serves
//! (`ZoomProvider`), the Terraform files under `examples/`, and the prose templates under
//! `docs-templates/`.
//!
//! `cargo test` checks that the files in `docs/` are exactly what would be rendered and
//! fails naming each stale file; `UPDATE_DOCS=1 cargo test --test docs` (`make docs`)
//! writes them instead.
//!
//! Pages: `docs-templates/index.md.tmpl` becomes `docs/index.md` (about the provider
//! block), and each resource `zoom_NAME` needs `docs-templates/resources/NAME.md.tmpl`,
//! which becomes `docs/resources/NAME.md`; each data source `zoom_NAME` likewise needs
//! `docs-templates/data-sources/NAME.md.tmpl`, which becomes `docs/data-sources/NAME.md`.
//! Placeholders in templates:
//!
//! - `{{ name }}`: the page's subject, `zoom` or the resource or data source type
//!   (`zoom_role`);
//! - `{{ description }}`: the description in its schema;
//! - `{{ schema }}`: a `## Schema` section with Required / Optional / Read-Only lists, as
//!   the registry's tfplugindocs renders it (attributes holding objects get a
//!   "Nested Schema" subsection listing the objects' attributes);
//! - `{{ example "examples/PATH" }}`: that file in a fenced block, `terraform` for `.tf`
//!   and `shell` for `.sh`.
//!
//! Every file under `examples/provider`, `examples/resources` and `examples/data-sources`
//! must appear on some page, and every `.tf` file under `examples/` must be left unchanged
//! by `terraform fmt`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use terraform_provider_zoom::provider::ZoomProvider;
use terraform_provider_zoom::tfplugin::{Attribute, Provider, Schema, Type};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel))
        .unwrap_or_else(|e| panic!("docs: can't read {rel}: {e}"))
}

/// What a page documents.
struct Subject {
    name: String,
    schema: Schema,
}

/// One generated page: where it goes and its content.
struct Page {
    path: String,
    content: String,
}

/// Where the pages of one kind of type come from and go: resources or data sources.
struct Kind {
    /// For messages: "resource", "data source".
    what: &'static str,
    /// The directory under `docs-templates/` and under `docs/`.
    dir: &'static str,
}

const RESOURCES: Kind = Kind {
    what: "resource",
    dir: "resources",
};

const DATA_SOURCES: Kind = Kind {
    what: "data source",
    dir: "data-sources",
};

/// The directories of generated pages, each owned wholly by this file.
const GENERATED_DIRS: [&str; 3] = ["docs/resources", "docs/data-sources", "docs/guides"];

/// The page of the type `type_name` (`zoom_NAME`): from `docs-templates/DIR/NAME.md.tmpl`
/// to `docs/DIR/NAME.md`.
fn type_page(
    kind: &Kind,
    prefix: &str,
    type_name: &str,
    schema: Schema,
    used: &mut BTreeSet<String>,
) -> Page {
    let short = type_name.strip_prefix(prefix).unwrap_or(type_name);
    let template = format!("docs-templates/{}/{short}.md.tmpl", kind.dir);
    assert!(
        root().join(&template).exists(),
        "docs: {} {type_name} has no page template: create {template} (copy a neighbour) \
         and run `make docs`",
        kind.what
    );
    let subject = Subject {
        name: type_name.to_string(),
        schema,
    };
    Page {
        path: format!("docs/{}/{short}.md", kind.dir),
        content: render(&template, &subject, used),
    }
}

/// Renders every page; also returns the example files the pages embedded.
fn render_all() -> (Vec<Page>, BTreeSet<String>) {
    let provider = ZoomProvider::new();
    let mut used = BTreeSet::new();
    let mut pages = vec![Page {
        path: "docs/index.md".to_string(),
        content: render(
            "docs-templates/index.md.tmpl",
            &Subject {
                name: provider.type_name().to_string(),
                schema: provider.schema(),
            },
            &mut used,
        ),
    }];
    let prefix = format!("{}_", provider.type_name());
    for resource in provider.resources() {
        pages.push(type_page(
            &RESOURCES,
            &prefix,
            resource.type_name(),
            resource.schema(),
            &mut used,
        ));
    }
    for data_source in provider.data_sources() {
        pages.push(type_page(
            &DATA_SOURCES,
            &prefix,
            data_source.type_name(),
            data_source.schema(),
            &mut used,
        ));
    }
    // Guides: every docs-templates/guides/NAME.md.tmpl becomes docs/guides/NAME.md.
    for template in files_under("docs-templates/guides") {
        let Some(name) = template
            .strip_prefix("docs-templates/guides/")
            .and_then(|f| f.strip_suffix(".md.tmpl"))
        else {
            continue;
        };
        pages.push(Page {
            path: format!("docs/guides/{name}.md"),
            content: render(
                &template,
                &Subject {
                    name: provider.type_name().to_string(),
                    schema: provider.schema(),
                },
                &mut used,
            ),
        });
    }
    (pages, used)
}

/// Substitutes the placeholders of one template.
fn render(template: &str, subject: &Subject, used: &mut BTreeSet<String>) -> String {
    let text = read(template);
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .unwrap_or_else(|| panic!("docs: {template}: `{{{{` without `}}}}`"))
            + start;
        let placeholder = rest[start + 2..end].trim();
        out.push_str(&expand(template, placeholder, subject, used));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    format!("{}\n", out.trim_end())
}

fn expand(
    template: &str,
    placeholder: &str,
    subject: &Subject,
    used: &mut BTreeSet<String>,
) -> String {
    let (word, arg) = match placeholder.split_once(char::is_whitespace) {
        Some((w, a)) => (w, Some(a.trim().trim_matches('"'))),
        None => (placeholder, None),
    };
    match (word, arg) {
        ("name", None) => subject.name.clone(),
        ("description", None) => subject.schema.block.description.trim().to_string(),
        ("schema", None) => schema_section(template, &subject.schema),
        ("example", Some(path)) => {
            used.insert(path.to_string());
            example(path)
        }
        _ => panic!(
            "docs: {template}: unknown placeholder `{{{{ {placeholder} }}}}`; use name, \
             description, schema or example \"examples/...\""
        ),
    }
}

/// An example file as a fenced code block.
fn example(path: &str) -> String {
    let lang = match Path::new(path).extension().and_then(|e| e.to_str()) {
        // .tfrc: Terraform CLI configuration, which is HCL too.
        Some("tf") | Some("hcl") | Some("tfrc") => "terraform",
        Some("sh") => "shell",
        Some("yml") | Some("yaml") => "yaml",
        _ => panic!(
            "docs: don't know how to show {path}: examples are .tf, .tfrc, .hcl, .sh or .yml files"
        ),
    };
    format!("```{lang}\n{}\n```", read(path).trim_end())
}

/// The `## Schema` section: attributes by kind, each sorted by name.
fn schema_section(template: &str, schema: &Schema) -> String {
    assert!(
        schema.block.blocks.is_empty(),
        "docs: {template}: the schema has nested blocks, which this renderer doesn't show yet"
    );
    let mut attrs: Vec<&Attribute> = schema.block.attributes.iter().collect();
    attrs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = String::from("<!-- schema generated from the provider's code -->\n## Schema\n");
    for title in ["Required", "Optional", "Read-Only"] {
        let items: Vec<&&Attribute> = attrs.iter().filter(|a| section(a) == title).collect();
        if items.is_empty() {
            continue;
        }
        write!(out, "\n### {title}\n\n").unwrap();
        for a in items {
            out.push_str(&attribute_line(a));
            out.push('\n');
        }
    }
    for a in &attrs {
        if let Some(fields) = object_fields(&a.ty) {
            out.push_str(&nested_section(a, fields));
        }
    }
    out.trim_end().to_string()
}

/// The attributes of the objects an attribute holds (directly or in a collection).
fn object_fields(ty: &Type) -> Option<&std::collections::BTreeMap<String, Type>> {
    match ty {
        Type::Object(fields) => Some(fields),
        Type::List(t) | Type::Set(t) | Type::Map(t) => object_fields(t),
        _ => None,
    }
}

/// The anchor of an attribute's nested schema, as tfplugindocs names it.
fn nested_anchor(a: &Attribute) -> String {
    format!("nestedatt--{}", a.name)
}

/// `### Nested Schema for `name``: the object's attributes, sorted, with their types.
fn nested_section(a: &Attribute, fields: &std::collections::BTreeMap<String, Type>) -> String {
    let mut out = format!(
        "\n<a id=\"{}\"></a>\n### Nested Schema for `{}`\n\n{}:\n\n",
        nested_anchor(a),
        a.name,
        section(a)
    );
    for (name, ty) in fields {
        writeln!(out, "- `{name}` ({})", type_name(ty)).unwrap();
    }
    out
}

/// Where tfplugindocs lists an attribute: optional+computed counts as Optional.
fn section(a: &Attribute) -> &'static str {
    if a.required {
        "Required"
    } else if a.optional {
        "Optional"
    } else {
        "Read-Only"
    }
}

/// `- `name` (String, Sensitive) Description.`
fn attribute_line(a: &Attribute) -> String {
    let mut flags = vec![type_name(&a.ty)];
    if a.sensitive {
        flags.push("Sensitive".to_string());
    }
    if a.deprecated {
        flags.push("Deprecated".to_string());
    }
    let mut line = format!(
        "- `{}` ({}) {}",
        a.name,
        flags.join(", "),
        a.description.trim()
    );
    if object_fields(&a.ty).is_some() {
        write!(
            line,
            " (see [below for nested schema](#{}))",
            nested_anchor(a)
        )
        .unwrap();
    }
    line.trim_end().to_string()
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::String => "String".to_string(),
        Type::Number => "Number".to_string(),
        Type::Bool => "Boolean".to_string(),
        Type::List(t) => format!("List of {}", type_name(t)),
        Type::Set(t) => format!("Set of {}", type_name(t)),
        Type::Map(t) => format!("Map of {}", type_name(t)),
        Type::Object(_) => "Object".to_string(),
        Type::Tuple(_) => "Tuple".to_string(),
        Type::Dynamic => "Dynamic".to_string(),
    }
}

/// Generated pages in `docs/resources` or `docs/data-sources` that no resource or data
/// source renders any more.
fn orphans(pages: &[Page]) -> Vec<String> {
    let generated: BTreeSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let mut found: Vec<String> = GENERATED_DIRS
        .into_iter()
        .flat_map(|dir| {
            std::fs::read_dir(root().join(dir))
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok())
                .map(move |e| format!("{dir}/{}", e.file_name().to_string_lossy()))
        })
        .filter(|p| p.ends_with(".md") && !generated.contains(p.as_str()))
        .collect();
    found.sort();
    found
}

/// The first line where `want` and `have` differ, for the failure message.
fn first_difference(want: &str, have: &str) -> String {
    let (mut w, mut h) = (want.lines(), have.lines());
    for n in 1.. {
        match (w.next(), h.next()) {
            (None, None) => return "only line endings differ".to_string(),
            (a, b) if a == b => continue,
            (a, b) => {
                return format!(
                    "line {n}: docs/ has {:?}, would be {:?}",
                    b.unwrap_or("<end of file>"),
                    a.unwrap_or("<end of file>")
                )
            }
        }
    }
    unreachable!()
}

#[test]
fn docs_are_up_to_date() {
    let (pages, _) = render_all();
    let update = std::env::var("UPDATE_DOCS").is_ok_and(|v| !v.is_empty() && v != "0");
    if update {
        for page in &pages {
            let path = root().join(&page.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &page.content)
                .unwrap_or_else(|e| panic!("docs: can't write {}: {e}", page.path));
        }
        for orphan in orphans(&pages) {
            std::fs::remove_file(root().join(&orphan)).unwrap();
            eprintln!("docs: removed {orphan}, which no resource or data source renders");
        }
        return;
    }
    let mut stale = Vec::new();
    for page in &pages {
        match std::fs::read_to_string(root().join(&page.path)) {
            Ok(have) if have == page.content => {}
            Ok(have) => stale.push(format!(
                "{} is out of date ({})",
                page.path,
                first_difference(&page.content, &have)
            )),
            Err(_) => stale.push(format!("{} is missing", page.path)),
        }
    }
    for orphan in orphans(&pages) {
        stale.push(format!(
            "{orphan} documents no resource or data source the provider serves"
        ));
    }
    assert!(
        stale.is_empty(),
        "\n\ndocs/ is not what the provider's schema, examples/ and docs-templates/ \
         render:\n  {}\n\nRun `make docs` (UPDATE_DOCS=1 cargo test --test docs) and commit \
         docs/. Edit docs-templates/ or examples/, not docs/: it is generated.\n",
        stale.join("\n  ")
    );
}

/// Example files under `dir` (relative to the repository), recursively.
fn files_under(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![PathBuf::from(dir)];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(root().join(&d)) else {
            continue;
        };
        for e in entries.filter_map(|e| e.ok()) {
            let rel = d.join(e.file_name());
            if e.path().is_dir() {
                todo.push(rel);
            } else {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_example_is_on_a_page() {
    let (_, used) = render_all();
    let unused: Vec<String> = [
        "examples/provider",
        "examples/resources",
        "examples/data-sources",
        "examples/list-resources",
    ]
    .into_iter()
    .flat_map(files_under)
    .filter(|f| !used.contains(f))
    .collect();
    assert!(
        unused.is_empty(),
        "these examples appear on no page; add {{{{ example \"...\" }}}} to a template in \
         docs-templates/ (or delete them), then run `make docs`: {unused:?}"
    );
}

/// Terraform for `terraform fmt`: `TF_ACC_TERRAFORM_PATH`, else `.tools/bin/terraform`.
/// Without one the check is skipped, except with `CI=true`, where it fails.
fn terraform() -> Option<PathBuf> {
    let found = std::env::var_os("TF_ACC_TERRAFORM_PATH")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| Some(root().join(".tools/bin/terraform")).filter(|p| p.exists()));
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "terraform not found and CI=true: run `make tools`"
        );
        eprintln!("skipping: terraform not found (run `make tools`)");
    }
    found
}

#[test]
fn examples_are_terraform_fmt_clean() {
    let Some(terraform) = terraform() else {
        return;
    };
    let out = Command::new(terraform)
        .args(["fmt", "-check", "-recursive", "-diff", "examples"])
        .current_dir(root())
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("run terraform fmt");
    assert!(
        out.status.success(),
        "examples/ is not formatted as `terraform fmt` would; run `terraform fmt -recursive \
         examples/` (and then `make docs`):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- what the prose names must exist in the code -------------------------------------------

/// Every attribute of every schema the provider serves (provider block, resources, their
/// list blocks, data sources), and every type name.
fn names_in_schemas() -> BTreeSet<String> {
    let provider = ZoomProvider::new();
    let mut names: BTreeSet<String> = provider
        .schema()
        .block
        .attributes
        .iter()
        .map(|a| a.name.clone())
        .collect();
    for r in provider.resources() {
        names.insert(r.type_name().to_string());
        let list = r.list_schema().into_iter().flat_map(|s| s.block.attributes);
        names.extend(
            r.schema()
                .block
                .attributes
                .into_iter()
                .chain(list)
                .map(|a| a.name),
        );
    }
    for d in provider.data_sources() {
        names.insert(d.type_name().to_string());
        names.extend(d.schema().block.attributes.into_iter().map(|a| a.name));
    }
    names
}

/// The text of every source file under `src/dir`.
fn source_text(dir: &str) -> String {
    files_under(dir)
        .into_iter()
        .filter(|f| f.ends_with(".rs"))
        .map(|f| read(&f))
        .collect()
}

fn is_snake_name(s: &str) -> bool {
    let mut parts = s.split('_');
    s.contains('_')
        && parts
            .next()
            .is_some_and(|p| p.starts_with(|c: char| c.is_ascii_lowercase()))
        && s.split('_').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn is_scope(s: &str) -> bool {
    s.split(':').count() >= 3
        && s.split(':')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// Snake-case words the prose may name that are not attributes: Terraform's own words,
/// platform names, and the adoption guide's generated resource names.
fn is_known_word(w: &str) -> bool {
    const TERRAFORM: &[&str] = &[
        "dev_overrides",
        "filesystem_mirror",
        "provider_installation",
        "required_providers",
        "required_version",
        "include_resource",
        "all_0",
        "all_1",
    ];
    let platform = w.split_once('_').is_some_and(|(os, arch)| {
        ["linux", "darwin", "windows"].contains(&os) && ["amd64", "arm64"].contains(&arch)
    });
    TERRAFORM.contains(&w) || platform
}

/// What a page names in backticks that must exist in the code: provider settings and
/// attributes, scopes, and (in the troubleshooting table) Zoom's codes and OAuth errors.
fn unknown_mentions(page: &str, text: &str) -> Vec<String> {
    let names = names_in_schemas();
    let src = source_text("src");
    let zoom = source_text("src/zoom");
    // An OAuth error such as `invalid_client` is known when the client reads it.
    let known = |w: &str| {
        names.contains(w) || is_known_word(w) || (w.starts_with("invalid_") && zoom.contains(w))
    };
    let mut bad = Vec::new();
    for quoted in text.split('`').skip(1).step_by(2) {
        // `name = value`: the name is a setting or attribute (or Terraform's).
        let word = match quoted.split_once(" = ") {
            Some((name, _)) => name.trim(),
            None => quoted,
        };
        if is_scope(word) && !src.contains(&format!("\"{word}\"")) {
            bad.push(format!("{page}: scope `{word}` is in no table of the code"));
        } else if is_snake_name(word) && !known(word) {
            bad.push(format!(
                "{page}: `{word}` is no setting or attribute of the provider"
            ));
        }
    }
    // Zoom codes in the first column of the troubleshooting table are codes the client reads.
    if let Some(start) = text.find("<!-- errors -->") {
        for row in text[start..]
            .lines()
            .skip(3)
            .take_while(|l| l.starts_with('|'))
        {
            let first = row.split('|').nth(1).unwrap_or_default();
            for code in first.split('`').skip(1).step_by(2) {
                let numeric = code.chars().all(|c| c.is_ascii_digit());
                let found = if numeric {
                    zoom.contains(&format!("Some({code})"))
                        || zoom.contains(&format!("code {code}"))
                        || zoom.contains(&format!("{code} "))
                } else {
                    zoom.contains(code)
                };
                if !found {
                    bad.push(format!(
                        "{page}: error `{code}` is not one the client knows"
                    ));
                }
            }
            // The provider's own diagnostics, quoted by their summary.
            if !first.contains('`') {
                for summary in first.split('"').skip(1).step_by(2) {
                    if !src.contains(summary) {
                        bad.push(format!("{page}: no diagnostic {summary:?} in the code"));
                    }
                }
            }
        }
    }
    bad
}

#[test]
fn pages_name_only_settings_scopes_and_codes_that_exist() {
    let mut pages = files_under("docs-templates/guides");
    pages.push("docs-templates/index.md.tmpl".to_string());
    let bad: Vec<String> = pages
        .iter()
        .flat_map(|p| unknown_mentions(p, &read(p)))
        .collect();
    assert!(bad.is_empty(), "\n  {}\n", bad.join("\n  "));
}

#[test]
fn the_mention_check_finds_what_does_not_exist() {
    let text = "Set `retry_budget` or `rate_limits = 3`; add `role:read:everything:admin`; \
                `rate_limit_plan = \"free\"`, `role:read:admin` and `linux_amd64` are fine.\n\
                <!-- errors -->\n| You see | Cause | Fix |\n|---|---|---|\n\
                | `2300` | x | y |\n| `9999` | x | y |\n| \"No such diagnostic\" | x | y |\n";
    let bad = unknown_mentions("t", text);
    for want in [
        "`retry_budget`",
        "`rate_limits`",
        "`role:read:everything:admin`",
        "`9999`",
        "\"No such diagnostic\"",
    ] {
        assert!(
            bad.iter().any(|b| b.contains(want)),
            "{want} not found in {bad:?}"
        );
    }
    assert_eq!(bad.len(), 5, "{bad:?}");
}

/// The string literals of one function in a source file.
fn string_literals_of(file: &str, function: &str) -> Vec<String> {
    let text = read(file);
    let start = text
        .find(&format!("fn {function}"))
        .unwrap_or_else(|| panic!("{file} has no fn {function}"));
    let body = &text[start..];
    let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
    let mut out = Vec::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut lit = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(n) = chars.next() {
                        if n == '\n' {
                            lit.push(' ');
                        } else {
                            lit.push(n);
                        }
                    }
                }
                '"' => break,
                c => lit.push(c),
            }
        }
        out.push(lit);
    }
    out
}

#[test]
fn error_advice_names_only_settings_that_exist() {
    let names = names_in_schemas();
    let advice = string_literals_of("src/zoom/error.rs", "default_advice");
    assert!(advice.len() > 5, "found the advice strings: {advice:?}");
    let bad: Vec<String> = advice
        .iter()
        .flat_map(|a| a.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')))
        .filter(|w| is_snake_name(w) && !names.contains(*w))
        .map(|w| format!("`{w}`"))
        .collect();
    assert!(
        bad.is_empty(),
        "src/zoom/error.rs advises settings the provider doesn't have: {bad:?}"
    );
}

#[test]
fn every_configuration_pins_the_providers_minor_release() {
    let version = env!("CARGO_PKG_VERSION");
    let minor = version.rsplit_once('.').map_or(version, |(m, _)| m);
    let want = format!("version = \"~> {minor}.0\"");
    let unpinned: Vec<String> = files_under("examples")
        .into_iter()
        .filter(|f| f.ends_with(".tf") && read(f).contains("required_providers"))
        .filter(|f| !read(f).contains(&want))
        .collect();
    assert!(
        unpinned.is_empty(),
        "these configurations don't constrain the provider to {want:?}: {unpinned:?}"
    );
}

/// actionlint (and ShellCheck for `run:` scripts): `.tools/bin/` (make tools), else PATH.
fn tool(name: &str) -> Option<PathBuf> {
    let local = root().join(".tools/bin").join(name);
    if local.exists() {
        return Some(local);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

#[test]
fn the_ci_example_workflow_passes_actionlint() {
    let Some(actionlint) = tool("actionlint") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "actionlint not found and CI=true: run `make tools`"
        );
        eprintln!("skipping: actionlint not found (run `make tools`)");
        return;
    };
    let shellcheck = tool("shellcheck").map(|p| p.display().to_string());
    let out = Command::new(actionlint)
        .args(["-no-color", "-pyflakes", ""])
        .args(["-shellcheck", shellcheck.as_deref().unwrap_or("")])
        .args(
            files_under("examples/ci")
                .into_iter()
                .filter(|f| f.ends_with(".yml")),
        )
        .current_dir(root())
        .output()
        .expect("run actionlint");
    assert!(
        out.status.success(),
        "actionlint on examples/ci:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
