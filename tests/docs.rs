//! The provider's documentation: this file owns `docs/`, rendered from three sources: the
//! schemas the provider serves (`ZoomProvider`), the Terraform files under `examples/`, and
//! the prose templates under `docs-templates/`. Developer documentation (the simulator,
//! performance figures, releasing) lives in `dev-docs/`, written by hand: the Terraform
//! Registry publishes only `docs/index.md` and its known subfolders, and would drop the
//! rest.
//!
//! `cargo test` checks that the files in `docs/` are exactly what would be rendered and
//! fails naming each stale file; `UPDATE_DOCS=1 cargo test --test docs` (`make docs`)
//! writes them instead.
//!
//! Pages: `docs-templates/index.md.tmpl` becomes `docs/index.md` (about the provider
//! block), and each resource `zoom_NAME` needs `docs-templates/resources/NAME.md.tmpl`,
//! which becomes `docs/resources/NAME.md`; each data source `zoom_NAME` likewise needs
//! `docs-templates/data-sources/NAME.md.tmpl` (`docs/data-sources/NAME.md`), and each
//! resource that `terraform query` can list needs `docs-templates/list-resources/NAME.md.tmpl`
//! (`docs/list-resources/NAME.md`, its schema being the `list` block's). Every
//! `docs-templates/guides/NAME.md.tmpl` becomes `docs/guides/NAME.md`.
//! Placeholders in templates:
//!
//! - `{{ name }}`: the page's subject, `zoom` or the resource or data source type
//!   (`zoom_role`);
//! - `{{ description }}`: the description in its schema;
//! - `{{ schema }}`: a `## Schema` section with Required / Optional / Read-Only lists, as
//!   the registry's tfplugindocs renders it (attributes holding objects get a
//!   "Nested Schema" subsection listing the objects' attributes);
//! - `{{ example "examples/PATH" }}`: that file in a fenced block, `terraform` for `.tf`
//!   and `.hcl`, `shell` for `.sh`;
//! - `{{ scopes }}`: the OAuth scopes the provider can need, from the client's endpoint
//!   table (`zoom::ENDPOINTS`): a line each for classic and granular apps, and a table of
//!   every endpoint with its scopes;
//! - `{{ master_scopes }}`: the same for sub-accounts: the `:master` scopes and a table of
//!   every endpoint's Master Account API form, saying which scopes Zoom's reference names.
//!
//! Beyond the content, the tests hold the layout to what the registry and tfplugindocs
//! expect: nothing in `docs/` but `index.md` and the registry's subfolders, a front matter
//! with `page_title` on every page, example files under tfplugindocs' conventional names
//! (`examples/resources/<type>/resource.tf`, `import.sh`, `import-by-string-id.tf`,
//! `import-by-identity.tf`; `examples/data-sources/<type>/data-source.tf`;
//! `examples/list-resources/<type>/list-resource*.tfquery.hcl`), each shown on its type's
//! page (that `terraform fmt` leaves every file under `examples/` unchanged is checked
//! with the other Terraform runs, in `tests/e2e/examples.rs`). Relative links in README.md, CHANGELOG.md, `dev-docs/` and `docs/`, and
//! every path under `docs/`, `dev-docs/`, `docs-templates/` or `examples/` named in the
//! repository's sources, scripts and docs, must lead to a file that exists. The checks of
//! `docs/` read pages as rendered, not from disk, so they agree with `make docs` while it
//! writes.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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

/// One generated page: where it goes, its content and the example files it shows.
struct Page {
    path: String,
    content: String,
    examples: BTreeSet<String>,
}

/// Where the pages of one kind of type come from and go: resources, data sources or list
/// resources.
struct Kind {
    /// For messages: "resource", "data source", "list resource".
    what: &'static str,
    /// The directory under `docs-templates/`, `docs/` and `examples/`.
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

const LIST_RESOURCES: Kind = Kind {
    what: "list resource",
    dir: "list-resources",
};

/// The directories of generated pages, each owned wholly by this file.
const GENERATED_DIRS: [&str; 4] = [
    "docs/resources",
    "docs/data-sources",
    "docs/list-resources",
    "docs/guides",
];

/// What the registry publishes of `docs/`: `index.md` and these subfolders (tfplugindocs
/// `validate` accepts the same set: `internal/provider/validate.go` in
/// hashicorp/terraform-plugin-docs). Anything else in `docs/` would not appear on the
/// registry; developer documentation goes to `dev-docs/`.
const REGISTRY_DIRS: [&str; 8] = [
    "actions",
    "data-sources",
    "ephemeral-resources",
    "functions",
    "guides",
    "list-resources",
    "resources",
    "state-stores",
];

/// The page of the type `type_name` (`zoom_NAME`): from `docs-templates/DIR/NAME.md.tmpl`
/// to `docs/DIR/NAME.md`.
fn type_page(kind: &Kind, prefix: &str, type_name: &str, schema: Schema) -> Page {
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
    let mut examples = BTreeSet::new();
    Page {
        path: format!("docs/{}/{short}.md", kind.dir),
        content: render(&template, &subject, &mut examples),
        examples,
    }
}

/// Renders every page.
fn render_all() -> Vec<Page> {
    let provider = ZoomProvider::new();
    let provider_subject = || Subject {
        name: provider.type_name().to_string(),
        schema: provider.schema(),
    };
    let mut examples = BTreeSet::new();
    let content = render(
        "docs-templates/index.md.tmpl",
        &provider_subject(),
        &mut examples,
    );
    let mut pages = vec![Page {
        path: "docs/index.md".to_string(),
        content,
        examples,
    }];
    let prefix = format!("{}_", provider.type_name());
    for resource in provider.resources() {
        pages.push(type_page(
            &RESOURCES,
            &prefix,
            resource.type_name(),
            resource.schema(),
        ));
    }
    for data_source in provider.data_sources() {
        pages.push(type_page(
            &DATA_SOURCES,
            &prefix,
            data_source.type_name(),
            data_source.schema(),
        ));
    }
    for resource in provider.resources() {
        if let Some(schema) = resource.list_schema() {
            pages.push(type_page(
                &LIST_RESOURCES,
                &prefix,
                resource.type_name(),
                schema,
            ));
        }
    }
    // Guides: every docs-templates/guides/NAME.md.tmpl becomes docs/guides/NAME.md.
    for template in files_under("docs-templates/guides") {
        let Some(name) = template
            .strip_prefix("docs-templates/guides/")
            .and_then(|f| f.strip_suffix(".md.tmpl"))
        else {
            continue;
        };
        let mut examples = BTreeSet::new();
        let content = render(&template, &provider_subject(), &mut examples);
        pages.push(Page {
            path: format!("docs/guides/{name}.md"),
            content,
            examples,
        });
    }
    pages
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
        ("scopes", None) => scopes_section(),
        ("master_scopes", None) => master_scopes_section(),
        ("example", Some(path)) => {
            used.insert(path.to_string());
            example(path)
        }
        _ => panic!(
            "docs: {template}: unknown placeholder `{{{{ {placeholder} }}}}`; use name, \
             description, schema, scopes, master_scopes or example \"examples/...\""
        ),
    }
}

/// The scope list, from the client's endpoint table.
fn scopes_section() -> String {
    use terraform_provider_zoom::zoom::{classic_scopes, granular_scopes, ENDPOINTS};
    let code = |v: Vec<&str>| {
        v.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "- Classic scopes: {}\n- Granular scopes: {}\n\n\
         | Used for | Zoom endpoint | Rate category | Classic scope | Granular scope |\n\
         |---|---|---|---|---|\n",
        code(classic_scopes()),
        code(granular_scopes())
    );
    for e in &ENDPOINTS {
        let _ = writeln!(
            out,
            "| {} | `{} {}` | {:?} | `{}` | `{}` |",
            e.used_for, e.method, e.path, e.category, e.classic_scope, e.granular_scope
        );
    }
    out.trim_end().to_string()
}

/// The sub-account scope list, from the Master Account API forms in the endpoint table.
fn master_scopes_section() -> String {
    use terraform_provider_zoom::zoom::{master_classic_scopes, master_granular_scopes, ENDPOINTS};
    let code = |v: Vec<&str>| {
        v.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "- Classic scopes: {}\n- Granular scopes: {}\n\n\
         | Used for | Zoom endpoint | Rate category | Classic scope | Granular scope | Scope named in Zoom's reference |\n\
         |---|---|---|---|---|---|\n",
        code(master_classic_scopes()),
        code(master_granular_scopes())
    );
    for e in &ENDPOINTS {
        let (path, classic, granular, documented) = match e.master {
            Some(m) => (
                m.path,
                m.classic_scope,
                m.granular_scope,
                m.scope_documented,
            ),
            None => (e.path, e.classic_scope, e.granular_scope, false),
        };
        let _ = writeln!(
            out,
            "| {} | `{} {}` | {:?} | `{}` | `{}` | {} |",
            e.used_for,
            e.method,
            path,
            e.category,
            classic,
            granular,
            if documented {
                "yes"
            } else {
                "no: named like the documented ones"
            }
        );
    }
    out.trim_end().to_string()
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

/// Pages in the generated directories of `docs/` that nothing renders any more.
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
    let pages = render_all();
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
            eprintln!("docs: removed {orphan}, which nothing renders any more");
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
            "{orphan} is rendered from nothing: no resource, data source, list resource or \
             guide template"
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

/// The page that must show the examples in `examples/<kind>/<type>/`.
fn page_of_example_dir(dir: &str) -> Option<String> {
    let provider = ZoomProvider::new();
    let prefix = format!("{}_", provider.type_name());
    let mut parts = dir.strip_prefix("examples/")?.splitn(2, '/');
    let (kind, type_name) = (parts.next()?, parts.next());
    match (kind, type_name) {
        ("provider", None) => Some("docs/index.md".to_string()),
        ("resources" | "data-sources" | "list-resources", Some(t)) => {
            let short = t.strip_prefix(&prefix).unwrap_or(t);
            Some(format!("docs/{kind}/{short}.md"))
        }
        _ => None,
    }
}

#[test]
fn every_example_is_on_its_page() {
    let pages = render_all();
    let mut problems = Vec::new();
    for file in [
        "examples/provider",
        "examples/resources",
        "examples/data-sources",
        "examples/list-resources",
    ]
    .into_iter()
    .flat_map(files_under)
    {
        let dir = Path::new(&file)
            .parent()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let Some(want) = page_of_example_dir(&dir) else {
            problems.push(format!("{file}: not in a directory tfplugindocs knows"));
            continue;
        };
        match pages.iter().find(|p| p.path == want) {
            Some(page) if page.examples.contains(&file) => {}
            Some(_) => problems.push(format!(
                "{file} is not shown on {want}: add {{{{ example \"{file}\" }}}} to its \
                 template in docs-templates/"
            )),
            None => problems.push(format!(
                "{file} belongs to {want}, which no resource, data source or list resource \
                 renders"
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "examples/ and the pages disagree (then run `make docs`):\n  {}",
        problems.join("\n  ")
    );
}

/// Where a file under `examples/` may be, by tfplugindocs' conventional paths (its
/// README, "Conventional Paths"): `Ok(())` or why not.
fn conventional_example(file: &str) -> Result<(), String> {
    let provider = ZoomProvider::new();
    let resources = provider.resources();
    let resource = |t: &str| resources.iter().find(|r| r.type_name() == t).cloned();
    let parts: Vec<&str> = file.split('/').collect();
    let starts_ends =
        |name: &str, start: &str, end: &str| name.starts_with(start) && name.ends_with(end);
    match parts.as_slice() {
        // The demo's configuration (`make demo`); not a registry path, and tfplugindocs
        // ignores it.
        ["examples", "quickstart", _] => Ok(()),
        // The guides' files (CLI configurations, scripts) and the CI guide's workflow.
        ["examples", "guides", _, _] => Ok(()),
        ["examples", "ci", name] if name.ends_with(".yml") || name.ends_with(".sh") => Ok(()),
        ["examples", "provider", name] if starts_ends(name, "provider", ".tf") => Ok(()),
        ["examples", "provider", name] => {
            Err(format!("{name}: provider examples are named provider*.tf"))
        }
        ["examples", "resources", t, name] => {
            let Some(r) = resource(t) else {
                return Err(format!("the provider serves no resource {t}"));
            };
            match *name {
                "import.sh" | "import-by-string-id.tf" => Ok(()),
                "import-by-identity.tf" if r.identity_schema().is_some() => Ok(()),
                "import-by-identity.tf" => Err(format!("{t} has no resource identity")),
                n if starts_ends(n, "resource", ".tf") => Ok(()),
                n => Err(format!(
                    "{n}: resource examples are resource*.tf, import.sh, \
                     import-by-string-id.tf or import-by-identity.tf"
                )),
            }
        }
        ["examples", "data-sources", t, name] => {
            if !provider.data_sources().iter().any(|d| d.type_name() == *t) {
                Err(format!("the provider serves no data source {t}"))
            } else if starts_ends(name, "data-source", ".tf") {
                Ok(())
            } else {
                Err(format!("{name}: data source examples are data-source*.tf"))
            }
        }
        ["examples", "list-resources", t, name] => {
            if resource(t).is_none_or(|r| r.list_schema().is_none()) {
                Err(format!("the provider serves no list resource {t}"))
            } else if starts_ends(name, "list-resource", ".tfquery.hcl") {
                Ok(())
            } else {
                Err(format!(
                    "{name}: list resource examples are list-resource*.tfquery.hcl"
                ))
            }
        }
        _ => Err(
            "not a path tfplugindocs knows (examples/provider, examples/resources/<type>, \
                  examples/data-sources/<type>, examples/list-resources/<type>)"
                .to_string(),
        ),
    }
}

#[test]
fn examples_have_tfplugindocs_names() {
    let wrong: Vec<String> = files_under("examples")
        .into_iter()
        .filter_map(|f| {
            conventional_example(&f)
                .err()
                .map(|why| format!("{f}: {why}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "examples/ must follow tfplugindocs' file names:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn conventional_example_names() {
    for ok in [
        "examples/provider/provider.tf",
        "examples/resources/zoom_role/resource.tf",
        "examples/resources/zoom_role/import-by-string-id.tf",
        "examples/resources/zoom_role_membership/import-by-identity.tf",
        "examples/list-resources/zoom_role_membership/list-resource-one-role.tfquery.hcl",
        "examples/data-sources/zoom_user/data-source.tf",
    ] {
        assert_eq!(conventional_example(ok), Ok(()), "{ok}");
    }
    let mut bad: Vec<String> = [
        "examples/resources/zoom_role/import.tf",
        "examples/resources/zoom_nothing/resource.tf",
        "examples/list-resources/zoom_role/all.tfquery.hcl",
        "examples/list-resources/zoom_nothing/list-resource.tfquery.hcl",
        "examples/data-sources/zoom_user/user.tf",
        "examples/misc.tf",
    ]
    .map(str::to_string)
    .to_vec();
    // An identity example for a type without identity, a list example for a type that
    // can't be listed, while there are such types.
    let resources = ZoomProvider::new().resources();
    if let Some(r) = resources.iter().find(|r| r.identity_schema().is_none()) {
        bad.push(format!(
            "examples/resources/{}/import-by-identity.tf",
            r.type_name()
        ));
    }
    if let Some(r) = resources.iter().find(|r| r.list_schema().is_none()) {
        bad.push(format!(
            "examples/list-resources/{}/list-resource.tfquery.hcl",
            r.type_name()
        ));
    }
    for bad in &bad {
        assert!(conventional_example(bad).is_err(), "{bad} was accepted");
    }
}

/// Whether a page starts with a front matter naming a `page_title`, as the registry wants.
fn has_title(text: &str) -> bool {
    text.strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .is_some_and(|(front, _)| front.lines().any(|l| l.starts_with("page_title:")))
}

/// What in the `docs/` directory under `root` the registry would not publish: files in
/// `docs/` other than `index.md`, directories other than [`REGISTRY_DIRS`], and anything in
/// them that is not a `.md` page.
fn layout_problems(root: &Path) -> Vec<String> {
    let docs = root.join("docs");
    let mut problems = Vec::new();
    let entries = |dir: &Path| -> Vec<(String, bool)> {
        let mut v: Vec<(String, bool)> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("docs: can't list {}: {e}", dir.display()))
            .filter_map(|e| e.ok())
            .map(|e| {
                let is_dir = e.path().is_dir();
                (e.file_name().to_string_lossy().into_owned(), is_dir)
            })
            .collect();
        v.sort();
        v
    };
    for (name, is_dir) in entries(&docs) {
        match (name.as_str(), is_dir) {
            ("index.md", false) => {}
            (dir, true) if REGISTRY_DIRS.contains(&dir) => {
                for (inner, inner_is_dir) in entries(&docs.join(dir)) {
                    let path = format!("docs/{dir}/{inner}");
                    if inner_is_dir || !inner.ends_with(".md") {
                        problems.push(format!(
                            "{path}: the registry publishes only .md pages in docs/{dir}/"
                        ));
                    }
                }
            }
            (_, true) => problems.push(format!(
                "docs/{name}/: not a folder the registry publishes ({}); developer \
                 documentation goes to dev-docs/",
                REGISTRY_DIRS.join(", ")
            )),
            (_, false) => problems.push(format!(
                "docs/{name}: the registry publishes only docs/index.md and its subfolders; \
                 move it to docs/guides/ (a page for users, with front matter) or to dev-docs/"
            )),
        }
    }
    problems
}

#[test]
fn docs_follow_the_registry_layout() {
    let mut problems = layout_problems(root());
    // Pages as rendered, not as on disk: `make docs` may be writing them meanwhile.
    for page in render_all().iter().filter(|p| !has_title(&p.content)) {
        problems.push(format!(
            "{}: no front matter with a page_title (`---` lines at the top of its template)",
            page.path
        ));
    }
    assert!(
        problems.is_empty(),
        "docs/ is not what the registry publishes:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn layout_check_finds_a_stray_file() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("guides")).unwrap();
    std::fs::create_dir_all(docs.join("notes")).unwrap();
    let page = "---\npage_title: \"x\"\n---\n\n# x\n";
    std::fs::write(docs.join("index.md"), page).unwrap();
    std::fs::write(docs.join("guides/ok.md"), page).unwrap();
    std::fs::write(docs.join("guides/notes.txt"), "x\n").unwrap();
    std::fs::write(docs.join("performance.md"), page).unwrap();
    let problems = layout_problems(dir.path());
    let named = |p: &str| problems.iter().any(|m| m.starts_with(p));
    assert!(named("docs/performance.md:"), "{problems:?}");
    assert!(named("docs/notes/:"), "{problems:?}");
    assert!(named("docs/guides/notes.txt:"), "{problems:?}");
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(has_title(page));
    assert!(!has_title("# no front matter\n"));
    assert!(!has_title("---\ndescription: x\n---\n"));
}

/// The targets of the Markdown links `[text](target)` in `text` (not images' sources
/// alone, not autolinks).
fn markdown_links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].trim().to_string());
            rest = &after[end..];
        }
    }
    out
}

/// Relative links in the Markdown under the repository that lead nowhere, and links in
/// `docs/` that leave `docs/` (the registry has nothing else to link to). Pages of `docs/`
/// are checked as they would be rendered, so that `make docs` and this check agree.
fn broken_links() -> Vec<String> {
    let mut files: Vec<(String, String)> = ["README.md", "CHANGELOG.md"]
        .into_iter()
        .map(str::to_string)
        .chain(files_under("dev-docs"))
        .filter(|f| f.ends_with(".md"))
        .map(|f| {
            let text = read(&f);
            (f, text)
        })
        .collect();
    files.extend(render_all().into_iter().map(|p| (p.path, p.content)));
    let rendered: BTreeSet<String> = files.iter().map(|(f, _)| f.clone()).collect();
    let mut broken = Vec::new();
    for (file, text) in &files {
        let dir = Path::new(file).parent().unwrap();
        for link in markdown_links(text) {
            if link.contains("://") || link.starts_with('#') || link.starts_with("mailto:") {
                continue;
            }
            let target = link.split('#').next().unwrap();
            // Resolve `..` by hand: the target may not exist.
            let mut parts: Vec<String> = Vec::new();
            let mut escapes = false;
            for c in dir.join(target).components() {
                match c {
                    std::path::Component::ParentDir => escapes |= parts.pop().is_none(),
                    std::path::Component::CurDir => {}
                    c => parts.push(c.as_os_str().to_string_lossy().into_owned()),
                }
            }
            let resolved = parts.join("/");
            if escapes || !(rendered.contains(&resolved) || root().join(&resolved).exists()) {
                broken.push(format!("{file}: ({link}) leads nowhere"));
            } else if file.starts_with("docs/") && !resolved.starts_with("docs/") {
                broken.push(format!(
                    "{file}: ({link}) leaves docs/, which is all the registry publishes; \
                     name the file in the source repository instead"
                ));
            }
        }
    }
    broken
}

#[test]
fn links_lead_somewhere() {
    let broken = broken_links();
    assert!(
        broken.is_empty(),
        "broken links (edit docs-templates/ for docs/, then `make docs`):\n  {}",
        broken.join("\n  ")
    );
}

/// Paths under `docs/`, `dev-docs/`, `docs-templates/` or `examples/` named in `text` (in
/// comments, messages, prose): each maximal run of path characters that starts with one of
/// those folders and ends in a file name with an extension.
fn mentioned_paths(text: &str) -> Vec<String> {
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "._/-".contains(c);
    text.split(|c: char| !is_path_char(c))
        .map(|t| t.trim_end_matches(['.', '/']))
        .filter(|t| {
            ["docs/", "dev-docs/", "docs-templates/", "examples/"]
                .iter()
                .any(|p| t.starts_with(p))
        })
        .filter(|t| {
            let name = t.rsplit('/').next().unwrap_or("");
            name.contains('.') && !name.starts_with('.')
        })
        // `docs/resources/NAME.md`: a pattern, not a path.
        .filter(|t| !t.contains(|c: char| c.is_ascii_uppercase()))
        .map(str::to_string)
        .collect()
}

#[test]
fn named_doc_and_example_paths_exist() {
    let mut files: Vec<String> = [
        "README.md",
        "CHANGELOG.md",
        "Makefile",
        "Cargo.toml",
        "build.rs",
        ".cargo/config.toml",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    for dir in [
        "src",
        "benches",
        "tests",
        "scripts",
        ".github",
        ".ci",
        "dev-docs",
        "docs-templates",
        "examples",
    ] {
        files.extend(files_under(dir));
    }
    // This file names wrong paths on purpose, to test the checks.
    let mut texts: Vec<(String, String)> = files
        .into_iter()
        .filter(|f| f != "tests/docs.rs")
        .filter_map(|f| {
            let text = std::fs::read_to_string(root().join(&f)).ok()?; // None: not text
            Some((f, text))
        })
        .collect();
    // docs/ as rendered: `make docs` may be writing it meanwhile.
    texts.extend(render_all().into_iter().map(|p| (p.path, p.content)));
    let mut missing = BTreeSet::new();
    for (file, text) in &texts {
        for path in mentioned_paths(text) {
            if !root().join(&path).exists() {
                missing.insert(format!("{file} names {path}, which does not exist"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "paths named in the repository that are not there (moved or renamed?):\n  {}",
        missing.into_iter().collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn path_mentions_are_found() {
    assert_eq!(
        mentioned_paths(
            "see `dev-docs/simulator.md`; docs/index.md. (docs/resources/*.md, \
             examples/PATH, docs/DIR/NAME.md, target/docs/x.md) docs-templates/index.md.tmpl"
        ),
        [
            "dev-docs/simulator.md",
            "docs/index.md",
            "docs-templates/index.md.tmpl"
        ]
    );
}

#[test]
fn every_scope_of_the_endpoint_table_is_in_the_docs() {
    use terraform_provider_zoom::zoom::ENDPOINTS;
    // The rendered page (docs_are_up_to_date holds the file to it).
    let pages = render_all();
    let index = &pages
        .iter()
        .find(|p| p.path == "docs/index.md")
        .expect("docs/index.md is rendered")
        .content;
    for e in &ENDPOINTS {
        for scope in [e.classic_scope, e.granular_scope] {
            assert!(
                index.contains(&format!("`{scope}`")),
                "docs/index.md does not name {scope} ({} {}): keep `{{{{ scopes }}}}` in \
                 docs-templates/index.md.tmpl",
                e.method,
                e.path
            );
        }
    }
}

#[test]
fn every_master_scope_is_in_the_master_account_guide() {
    use terraform_provider_zoom::zoom::{master_classic_scopes, master_granular_scopes};
    let pages = render_all();
    let guide = &pages
        .iter()
        .find(|p| p.path == "docs/guides/master-accounts.md")
        .expect("docs/guides/master-accounts.md is rendered")
        .content;
    for scope in master_classic_scopes()
        .into_iter()
        .chain(master_granular_scopes())
    {
        assert!(
            guide.contains(&format!("`{scope}`")),
            "the master-accounts guide does not name {scope}: keep `{{{{ master_scopes }}}}` in \
             docs-templates/guides/master-accounts.md.tmpl"
        );
    }
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
        "for_each",
        "terraform_data",
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
    // The provider's diagnostics say what to do in Terraform; the client advises in its own
    // terms (src/zoom/error.rs, checked there for the absence of the provider's words).
    let advice = string_literals_of("src/provider/errors.rs", "terraform_advice");
    assert!(advice.len() > 5, "found the advice strings: {advice:?}");
    let bad: Vec<String> = advice
        .iter()
        .flat_map(|a| a.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')))
        .filter(|w| is_snake_name(w) && !names.contains(*w))
        .map(|w| format!("`{w}`"))
        .collect();
    assert!(
        bad.is_empty(),
        "src/provider/errors.rs advises settings the provider doesn't have: {bad:?}"
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
    let out = std::process::Command::new(actionlint)
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
