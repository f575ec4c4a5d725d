//! Diagnostics: the errors and warnings a provider hands back to Terraform, each with a
//! summary, a detail that says what to do, and optionally the attribute it is about.

use std::fmt;

/// A step into a value: an attribute of an object, or an element of a collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    Attribute(String),
    Key(String),
    Index(i64),
}

/// The path of an attribute inside a resource or provider configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    /// The path of a top-level attribute.
    pub fn attr(name: &str) -> AttrPath {
        AttrPath(vec![PathStep::Attribute(name.to_string())])
    }

    pub fn then_attr(mut self, name: &str) -> AttrPath {
        self.0.push(PathStep::Attribute(name.to_string()));
        self
    }

    pub fn then_index(mut self, i: i64) -> AttrPath {
        self.0.push(PathStep::Index(i));
        self
    }

    pub fn then_key(mut self, key: &str) -> AttrPath {
        self.0.push(PathStep::Key(key.to_string()));
        self
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(a) if i == 0 => write!(f, "{a}")?,
                PathStep::Attribute(a) => write!(f, ".{a}")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem for Terraform to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub attribute: Option<AttrPath>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }

    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }

    /// Points the diagnostic at an attribute, so Terraform underlines it in the config.
    pub fn at(mut self, path: AttrPath) -> Diagnostic {
        self.attribute = Some(path);
        self
    }

    /// Points the diagnostic at a top-level attribute.
    pub fn at_attr(self, name: &str) -> Diagnostic {
        self.at(AttrPath::attr(name))
    }
}

/// A list of diagnostics; "has errors" decides whether an operation failed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::error(summary, detail));
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Diagnostics {
        Diagnostics(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_display_like_terraform() {
        let p = AttrPath::attr("members").then_index(2).then_attr("email");
        assert_eq!(p.to_string(), "members[2].email");
        assert_eq!(
            AttrPath::attr("tags").then_key("a").to_string(),
            "tags[\"a\"]"
        );
    }

    #[test]
    fn warnings_are_not_errors() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::warning("w", "x"));
        assert!(!d.has_errors());
        d.error("e", "y");
        assert!(d.has_errors());
    }
}
