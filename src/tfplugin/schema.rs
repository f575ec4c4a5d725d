//! Schemas: what a provider, resource or data source accepts, as Terraform needs to know it
//! (types, required/optional/computed, sensitive, descriptions), plus the plan behaviour the
//! framework applies on the resource's behalf (`requires_replace`, `use_state_for_unknown`).

use std::collections::BTreeMap;

use super::value::Type;

/// A versioned schema: one block at the top.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

/// A block: attributes and nested blocks.
#[derive(Clone, Debug, Default)]
pub struct Block {
    pub description: String,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub deprecated: bool,
}

/// How a nested block repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
}

#[derive(Clone, Debug)]
pub struct NestedBlock {
    pub type_name: String,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
}

/// One attribute. Build with the constructors and chain the flags:
/// `Attribute::string("name").required().describe("...")`.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
    /// A change to this attribute destroys and re-creates the object.
    pub requires_replace: bool,
    /// When computed and not configured, keep the prior state's value in plans instead of
    /// marking it unknown on every update.
    pub use_state_for_unknown: bool,
}

impl Attribute {
    pub fn new(name: &str, ty: Type) -> Attribute {
        Attribute {
            name: name.to_string(),
            ty,
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            deprecated: false,
            requires_replace: false,
            use_state_for_unknown: false,
        }
    }

    pub fn string(name: &str) -> Attribute {
        Attribute::new(name, Type::String)
    }

    pub fn number(name: &str) -> Attribute {
        Attribute::new(name, Type::Number)
    }

    pub fn bool(name: &str) -> Attribute {
        Attribute::new(name, Type::Bool)
    }

    pub fn describe(mut self, text: &str) -> Attribute {
        self.description = text.to_string();
        self
    }

    pub fn required(mut self) -> Attribute {
        self.required = true;
        self
    }

    pub fn optional(mut self) -> Attribute {
        self.optional = true;
        self
    }

    pub fn computed(mut self) -> Attribute {
        self.computed = true;
        self
    }

    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    pub fn requires_replace(mut self) -> Attribute {
        self.requires_replace = true;
        self
    }

    pub fn use_state_for_unknown(mut self) -> Attribute {
        self.use_state_for_unknown = true;
        self
    }
}

impl Block {
    pub fn new(description: &str, attributes: Vec<Attribute>) -> Block {
        Block {
            description: description.to_string(),
            attributes,
            blocks: Vec::new(),
            deprecated: false,
        }
    }

    /// The object type of a value of this block.
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.ty.clone()))
            .collect();
        for b in &self.blocks {
            let inner = b.block.value_type();
            let ty = match b.nesting {
                Nesting::Single => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
            };
            attrs.insert(b.type_name.clone(), ty);
        }
        Type::Object(attrs)
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

impl Schema {
    pub fn new(version: i64, block: Block) -> Schema {
        Schema { version, block }
    }

    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_type_includes_blocks() {
        let mut b = Block::new("x", vec![Attribute::string("id").computed()]);
        b.blocks.push(NestedBlock {
            type_name: "rule".into(),
            block: Block::new("", vec![Attribute::bool("on").optional()]),
            nesting: Nesting::List,
            min_items: 0,
            max_items: 0,
        });
        let t = b.value_type();
        assert_eq!(
            t,
            Type::object([
                ("id", Type::String),
                ("rule", Type::list(Type::object([("on", Type::Bool)]))),
            ])
        );
    }
}

/// A resource identity schema: the attributes that name one remote object.
#[derive(Clone, Debug, Default)]
pub struct IdentitySchema {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

#[derive(Clone, Debug)]
pub struct IdentityAttribute {
    pub name: String,
    pub ty: Type,
    pub description: String,
    /// Must be given when importing by identity.
    pub required_for_import: bool,
}

impl IdentitySchema {
    pub fn new(attributes: &[(&str, &str)]) -> IdentitySchema {
        IdentitySchema {
            version: 0,
            attributes: attributes
                .iter()
                .map(|(name, description)| IdentityAttribute {
                    name: name.to_string(),
                    ty: Type::String,
                    description: description.to_string(),
                    required_for_import: true,
                })
                .collect(),
        }
    }

    /// Adds an attribute that may be null (optional for import), e.g. an account that is
    /// set only outside the default one.
    pub fn optional(mut self, name: &str, description: &str) -> IdentitySchema {
        self.attributes.push(IdentityAttribute {
            name: name.to_string(),
            ty: Type::String,
            description: description.to_string(),
            required_for_import: false,
        });
        self
    }

    pub fn value_type(&self) -> Type {
        Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.ty.clone()))
                .collect(),
        )
    }

    /// The identity of a state: its identity attributes, if all are known and the required
    /// ones set.
    pub fn identity_of(&self, state: &super::value::Value) -> Option<super::value::Value> {
        let mut out = std::collections::BTreeMap::new();
        for a in &self.attributes {
            let v = state.attr(&a.name);
            if (v.is_null() && a.required_for_import) || !v.is_wholly_known() {
                return None;
            }
            out.insert(a.name.clone(), v.clone());
        }
        Some(super::value::Value::Object(out))
    }
}
