//! Twilio's list paging: `PageSize` (1 to 1000, default 50) and `Page` in, the `meta` block
//! with the page URLs out.

use serde::Serialize;

use super::Form;
use crate::sandbox::SandboxError;

/// The page a list request asks for.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page_size: u32,
    pub page: u32,
}

/// Twilio's paging block.
#[derive(Serialize)]
pub struct Meta {
    page: u32,
    page_size: u32,
    first_page_url: String,
    previous_page_url: Option<String>,
    url: String,
    next_page_url: Option<String>,
    key: &'static str,
}

impl Paging {
    /// This page's rows of `select`, which must end in `LIMIT ?1 OFFSET ?2`, each read by `read`.
    pub fn rows<T>(
        &self,
        c: &rusqlite::Connection,
        select: &str,
        read: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        c.prepare_cached(select)?
            .query_map(
                rusqlite::params![self.page_size, self.page * self.page_size],
                read,
            )?
            .collect()
    }

    pub fn read(q: &Form) -> Result<Paging, SandboxError> {
        Ok(Paging {
            page_size: q.int_in("PageSize", 1, 1000)?.unwrap_or(50) as u32,
            page: q.int_in("Page", 0, 1_000_000)?.unwrap_or(0) as u32,
        })
    }

    /// The `meta` of this page of the list at `url` (absolute, no query) under `key`, with the
    /// `filters` that were given, now that it holds `rows` items (a full page names a next one).
    pub fn meta(
        &self,
        key: &'static str,
        url: &str,
        filters: &[(&str, Option<&str>)],
        rows: usize,
    ) -> Meta {
        let page_url = |p: u32| {
            let mut ser = form_urlencoded::Serializer::new(String::new());
            for (name, value) in filters {
                if let Some(v) = value {
                    ser.append_pair(name, v);
                }
            }
            ser.append_pair("PageSize", &self.page_size.to_string())
                .append_pair("Page", &p.to_string());
            format!("{url}?{}", ser.finish())
        };
        let page = self.page;
        Meta {
            page,
            page_size: self.page_size,
            first_page_url: page_url(0),
            previous_page_url: (page > 0).then(|| page_url(page - 1)),
            url: page_url(page),
            next_page_url: (rows as u32 == self.page_size).then(|| page_url(page + 1)),
            key,
        }
    }
}
