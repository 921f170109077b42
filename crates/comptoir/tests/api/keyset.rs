//! Keyset pages at their edges, through the list use case on both engines: ties on the sort
//! value, nulls going up and going down, rows deleted between two pages, and pages of one row
//! all the way to the end.

use comptoir_app::contacts::Contacts;
use comptoir_domain::contacts::Contact;
use comptoir_domain::ids::ContactId;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::users::Actor;
use comptoir_testkit::{TestServer, on_both_databases};
use serde_json::json;
use std::cmp::Ordering;

on_both_databases!(
    every_sort_walks_every_row_once_in_order,
    rows_deleted_between_pages_are_neither_repeated_nor_skipping_others,
    a_filter_and_a_sort_page_together,
    searches_page_newest_first_however_many_rows_match,
);

/// Names and cities with many ties and gaps, and a name in lower case that sorts among the
/// others (text sorts ignore case). ASCII, which both engines lower alike.
const LAST_NAMES: [Option<&str>; 6] =
    [Some("Martin"), Some("Bernard"), None, Some("Martin"), Some("de Gaulle"), Some("Dubois")];
const CITIES: [Option<&str>; 3] = [Some("Lyon"), None, Some("Paris")];

async fn seed(s: &TestServer, admin: &Actor, count: usize) {
    for i in 0..count {
        let mut body = json!({"first_name": format!("P{i:02}")});
        if let Some(name) = LAST_NAMES[i % LAST_NAMES.len()] {
            body["last_name"] = json!(name);
        }
        if let Some(city) = CITIES[i % CITIES.len()] {
            body["address"] = json!({"city": city});
        }
        if i % 4 == 0 {
            body["custom_fields"] = json!({"budget": (i % 3) * 100});
        }
        s.app.create::<Contacts>(admin, body, None).await.expect("a contact");
    }
}

/// The admin, with a number custom field to sort by.
async fn admin(s: &TestServer) -> Actor {
    let admin = s.app.authenticate(&s.admin).await.expect("the admin's token");
    let budget =
        json!({"object_type": "contact", "key": "budget", "label": "Budget", "field_type": "number"});
    s.app.create_custom_field(&admin, budget, None).await.expect("a custom field");
    admin
}

/// Every page of `params` with `limit` rows each, following the cursors.
async fn walk(s: &TestServer, actor: &Actor, params: &[(&str, &str)], limit: u32) -> Vec<Contact> {
    let mut rows = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let mut pairs: Vec<(String, String)> =
            params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        pairs.push(("limit".to_owned(), limit.to_string()));
        pairs.extend(cursor.take().map(|c| ("cursor".to_owned(), c)));
        let query = ListQuery::parse(&pairs, &[]).expect("a valid query");
        let page = s.app.list::<Contacts>(actor, &query).await.expect("a page");
        assert!(page.data.len() <= limit as usize);
        rows.extend(page.data);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return rows,
        }
        assert!(rows.len() < 10_000, "the walk never ends: {params:?}");
    }
}

fn sort_value(contact: &Contact, field: &str) -> Option<String> {
    match field {
        "last_name" => contact.fields.last_name.as_deref().map(str::to_lowercase),
        "city" => contact.fields.address.city.as_deref().map(str::to_lowercase),
        "created_at" => Some(contact.created_at.format("%Y%m%d%H%M%S%9f").to_string()),
        "cf.budget" => {
            contact.fields.custom_fields.get("budget").map(|b| format!("{:08}", b.as_i64().unwrap_or(0)))
        }
        other => panic!("no expected order for {other}"),
    }
}

/// The order the API promises: by the value with nulls smallest, then by id, both reversed
/// for a descending sort.
fn expected(mut rows: Vec<Contact>, sort: &str) -> Vec<ContactId> {
    let (field, descending) = match sort.strip_prefix('-') {
        Some(field) => (field, true),
        None => (sort, false),
    };
    rows.sort_by(|a, b| {
        let order: Ordering = sort_value(a, field).cmp(&sort_value(b, field)).then(a.id.cmp(&b.id));
        if descending { order.reverse() } else { order }
    });
    rows.into_iter().map(|c| c.id).collect()
}

fn ids(rows: &[Contact]) -> Vec<ContactId> {
    rows.iter().map(|c| c.id).collect()
}

async fn every_sort_walks_every_row_once_in_order(s: TestServer) {
    let actor = admin(&s).await;
    seed(&s, &actor, 23).await;
    let all = walk(&s, &actor, &[], 500).await;
    assert_eq!(all.len(), 23);
    for sort in
        ["last_name", "-last_name", "city", "-city", "created_at", "-created_at", "cf.budget", "-cf.budget"]
    {
        let expected = expected(all.clone(), sort);
        for limit in [1, 2, 5, 50] {
            let walked = walk(&s, &actor, &[("sort", sort)], limit).await;
            assert_eq!(ids(&walked), expected, "sort={sort} limit={limit}");
        }
    }
}

async fn rows_deleted_between_pages_are_neither_repeated_nor_skipping_others(s: TestServer) {
    let actor = admin(&s).await;
    seed(&s, &actor, 15).await;
    for sort in ["-last_name", "last_name", "-city"] {
        let everything = walk(&s, &actor, &[("sort", sort)], 500).await;
        let order = ids(&everything);
        // The first page, then delete its last row (the cursor's own row) and the row that
        // would open the next page, then read on.
        let pairs = vec![("sort".to_owned(), sort.to_owned()), ("limit".to_owned(), "4".to_owned())];
        let first = s
            .app
            .list::<Contacts>(&actor, &ListQuery::parse(&pairs, &[]).expect("a query"))
            .await
            .expect("a page");
        let cursor = first.next_cursor.clone().expect("more than one page");
        for id in [order[3], order[4]] {
            s.app.delete::<Contacts>(&actor, id, None).await.expect("a deletion");
        }
        let mut rest_pairs = pairs.clone();
        rest_pairs.push(("cursor".to_owned(), cursor));
        let mut walked = ids(&first.data);
        let mut query = ListQuery::parse(&rest_pairs, &[]).expect("a query");
        loop {
            let page = s.app.list::<Contacts>(&actor, &query).await.expect("a page");
            walked.extend(page.data.iter().map(|c| c.id));
            match page.next_cursor {
                Some(next) => query.cursor = Some(next),
                None => break,
            }
        }
        let wanted: Vec<ContactId> = order.iter().copied().filter(|id| *id != order[4]).collect();
        assert_eq!(walked, wanted, "sort={sort}");
        // Put the table back as it was for the next sort: recreate nothing, walk what is left.
        let left = walk(&s, &actor, &[("sort", sort)], 500).await;
        assert_eq!(left.len(), everything.len() - 2);
        seed(&s, &actor, 2).await;
    }
}

async fn a_filter_and_a_sort_page_together(s: TestServer) {
    let actor = admin(&s).await;
    seed(&s, &actor, 30).await;
    let all = walk(&s, &actor, &[], 500).await;
    for (filter, value, keep) in [
        (
            "filter[city]",
            "Lyon",
            (|c: &Contact| c.fields.address.city.as_deref() == Some("Lyon")) as fn(&Contact) -> bool,
        ),
        ("filter[last_name][is-empty]", "true", |c: &Contact| c.fields.last_name.is_none()),
        ("filter[last_name][starts-with]", "mar", |c: &Contact| {
            c.fields.last_name.as_deref() == Some("Martin")
        }),
    ] {
        for sort in ["-last_name", "city", "-created_at"] {
            let expected = expected(all.iter().filter(|c| keep(c)).cloned().collect(), sort);
            let walked = walk(&s, &actor, &[(filter, value), ("sort", sort)], 2).await;
            assert_eq!(ids(&walked), expected, "{filter}={value} sort={sort}");
        }
    }
}

async fn searches_page_newest_first_however_many_rows_match(s: TestServer) {
    let actor = admin(&s).await;
    // Many matches (PostgreSQL walks the newest rows), few, and none (it reads the index).
    let common = 210;
    for i in 0..common {
        let body = json!({"first_name": format!("P{i}"), "last_name": "Dupont"});
        s.app.create::<Contacts>(&actor, body, None).await.expect("a contact");
    }
    for name in ["Martin", "Martineau", "Bernard"] {
        s.app.create::<Contacts>(&actor, json!({"last_name": name}), None).await.expect("a contact");
    }
    let all = walk(&s, &actor, &[], 500).await;
    for (q, count) in [("dup", common), ("mart", 2), ("zzq", 0)] {
        let found = walk(&s, &actor, &[("q", q)], 50).await;
        let mut expected: Vec<ContactId> = all
            .iter()
            .filter(|c| c.fields.last_name.as_deref().is_some_and(|n| n.to_lowercase().starts_with(q)))
            .map(|c| c.id)
            .collect();
        expected.sort();
        expected.reverse();
        assert_eq!(found.len(), count, "q={q}");
        assert_eq!(ids(&found), expected, "q={q}: newest first, every match once");
    }
}
