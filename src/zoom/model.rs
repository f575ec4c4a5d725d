//! The client's data types (roles, members, users and request bodies) and their wire
//! mapping. Reading is lenient: numbers may come as strings or integers, fields may be
//! missing or null, unknown fields are ignored. Writing is strict: only documented fields,
//! `None` fields omitted.

use serde::Serialize;
use serde_json::{Map, Value};

/// A Zoom role.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Role {
    /// Opaque id; `"0"` Owner, `"1"` Admin, `"2"` Member on every account.
    pub id: String,
    /// Display name (unique per account).
    pub name: String,
    /// Description, if any.
    pub description: Option<String>,
    /// `common` or `iq` (Revenue Accelerator); absent in some answers.
    pub role_type: Option<String>,
    /// Privileges such as `User:Read`; `None` when the answer did not include them
    /// (list roles does not).
    pub privileges: Option<Vec<String>>,
    /// Member count, when Zoom gave it.
    pub total_members: Option<u64>,
}

/// A role member as listed by `GET /roles/{id}/members`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Member {
    /// User id (may be empty for pending users in some listings).
    pub id: String,
    /// Email as Zoom spells it.
    pub email: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Zoom user type (1 Basic, 2 Licensed, ...).
    pub user_type: Option<i64>,
    /// Department.
    pub department: Option<String>,
}

/// A user as returned by `GET /users/{idOrEmail}`, reduced to what role management needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct User {
    /// User id.
    pub id: String,
    /// Email.
    pub email: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// The id of the user's one role.
    pub role_id: Option<String>,
    /// The name of the user's role.
    pub role_name: Option<String>,
    /// Zoom user type.
    pub user_type: Option<i64>,
    /// `active`, `inactive` or `pending`.
    pub status: Option<String>,
}

/// Who to assign to a role: by user id or by email. Zoom uses the id when both are known.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum MemberRef {
    /// A Zoom user id.
    #[serde(rename = "id")]
    Id(String),
    /// A user's email.
    #[serde(rename = "email")]
    Email(String),
}

impl MemberRef {
    /// The id or email.
    pub fn as_str(&self) -> &str {
        match self {
            MemberRef::Id(s) | MemberRef::Email(s) => s,
        }
    }
}

/// Body of `POST /roles`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CreateRole {
    /// Role name (required, unique).
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `common` (Zoom's default) or `iq`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub role_type: Option<String>,
    /// Privileges, e.g. `["User:Read", "User:Edit"]`.
    pub privileges: Vec<String>,
}

/// Body of `PATCH /roles/{id}`: only the fields to change. The type cannot be changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UpdateRole {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New privileges (the whole set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privileges: Option<Vec<String>>,
}

/// What `assign_members` reports: the ids Zoom assigned (all chunks) and the time of the
/// last chunk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignResult {
    /// User ids Zoom says it assigned.
    pub ids: Vec<String>,
    /// Zoom's `add_at` timestamp of the last chunk, if given.
    pub add_at: Option<String>,
}

/// Body of `POST /roles/{id}/members`.
#[derive(Serialize)]
pub(crate) struct AssignBody<'a> {
    pub members: &'a [MemberRef],
}

// ---- lenient reading -------------------------------------------------------------------

/// A string from a string or a number; `None` for missing, null, or other shapes.
pub(crate) fn lenient_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An integer from a number or a numeric string.
pub(crate) fn lenient_i64(v: Option<&Value>) -> Option<i64> {
    v.and_then(super::error::lenient_i64)
}

fn lenient_u64(v: Option<&Value>) -> Option<u64> {
    lenient_i64(v).and_then(|n| u64::try_from(n).ok())
}

fn lenient_strings(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|i| lenient_string(Some(i)))
                .collect(),
        ),
        // Tolerate a comma-separated string.
        Value::String(s) => Some(
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        _ => None,
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

impl Role {
    /// Read a role object; `None` if it has no id.
    pub(crate) fn from_json(obj: &Map<String, Value>) -> Option<Role> {
        let id = non_empty(lenient_string(obj.get("id")))?;
        Some(Role {
            id,
            name: lenient_string(obj.get("name")).unwrap_or_default(),
            description: lenient_string(obj.get("description")),
            role_type: non_empty(lenient_string(obj.get("type"))),
            privileges: lenient_strings(obj.get("privileges")),
            total_members: lenient_u64(obj.get("total_members")),
        })
    }
}

impl Member {
    /// Read a member object; `None` if it has neither id nor email.
    pub(crate) fn from_json(obj: &Map<String, Value>) -> Option<Member> {
        let id = lenient_string(obj.get("id")).unwrap_or_default();
        let email = lenient_string(obj.get("email")).unwrap_or_default();
        if id.is_empty() && email.is_empty() {
            return None;
        }
        Some(Member {
            id,
            email,
            first_name: lenient_string(obj.get("first_name")),
            last_name: lenient_string(obj.get("last_name")),
            user_type: lenient_i64(obj.get("type")),
            department: lenient_string(obj.get("department")),
        })
    }
}

impl User {
    /// Read a user object; `None` if it has no id.
    pub(crate) fn from_json(obj: &Map<String, Value>) -> Option<User> {
        let id = non_empty(lenient_string(obj.get("id")))?;
        Some(User {
            id,
            email: lenient_string(obj.get("email")).unwrap_or_default(),
            first_name: lenient_string(obj.get("first_name")),
            last_name: lenient_string(obj.get("last_name")),
            role_id: non_empty(lenient_string(obj.get("role_id"))),
            role_name: non_empty(lenient_string(obj.get("role_name"))),
            user_type: lenient_i64(obj.get("type")),
            status: lenient_string(obj.get("status")),
        })
    }
}

impl AssignResult {
    pub(crate) fn from_json(obj: &Map<String, Value>) -> AssignResult {
        AssignResult {
            ids: lenient_strings(obj.get("ids")).unwrap_or_default(),
            add_at: lenient_string(obj.get("add_at")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn role_reading_is_lenient() {
        let r = Role::from_json(&obj(json!({
            "id": 1, "name": "Admin", "type": "common", "total_members": "12",
            "privileges": ["User:Read", 5, null], "sub_account_privileges": {}, "extra": true
        })))
        .unwrap();
        assert_eq!(r.id, "1");
        assert_eq!(r.total_members, Some(12));
        assert_eq!(
            r.privileges,
            Some(vec!["User:Read".to_owned(), "5".to_owned()])
        );
        assert_eq!(r.description, None);
        let r = Role::from_json(&obj(
            json!({"id": "abc", "name": null, "total_members": null, "type": ""}),
        ))
        .unwrap();
        assert_eq!(r.name, "");
        assert_eq!(r.role_type, None);
        assert!(Role::from_json(&obj(json!({"name": "x"}))).is_none());
        assert!(Role::from_json(&obj(json!({"id": "", "name": "x"}))).is_none());
    }

    #[test]
    fn member_user_and_assign_reading() {
        let m =
            Member::from_json(&obj(json!({"id": "u1", "email": "a@b.c", "type": "2"}))).unwrap();
        assert_eq!(m.user_type, Some(2));
        assert!(Member::from_json(&obj(json!({"first_name": "x"}))).is_none());
        let u = User::from_json(&obj(
            json!({"id": "u1", "email": "a@b.c", "role_id": 2, "role_name": "Member"}),
        ))
        .unwrap();
        assert_eq!(u.role_id.as_deref(), Some("2"));
        let a = AssignResult::from_json(&obj(
            json!({"ids": "u1, u2,", "add_at": "2024-01-01T00:00:00Z"}),
        ));
        assert_eq!(a.ids, vec!["u1", "u2"]);
        let a = AssignResult::from_json(&obj(json!({"ids": ["u1"]})));
        assert_eq!(a.ids, vec!["u1"]);
    }

    #[test]
    fn writing_is_strict() {
        let c = CreateRole {
            name: "Auditors".into(),
            description: None,
            role_type: Some("common".into()),
            privileges: vec!["User:Read".into()],
        };
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            json!({"name": "Auditors", "type": "common", "privileges": ["User:Read"]})
        );
        let u = UpdateRole {
            description: Some("d".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            json!({"description": "d"})
        );
        let members = [MemberRef::Id("u1".into()), MemberRef::Email("a@b.c".into())];
        assert_eq!(
            serde_json::to_value(AssignBody { members: &members }).unwrap(),
            json!({"members": [{"id": "u1"}, {"email": "a@b.c"}]})
        );
    }
}
