use pledger_core::EventType;
use pledger_import::cells::{amount, float_decimal, serial_date, text_date, Cell, Unit};
use pledger_import::read::{read, Grid};
use pledger_import::{columns, map_sheet, template, ColumnMap, Lang, Reason};

fn grid(rows: Vec<Vec<Cell>>) -> Grid {
    Grid {
        name: "t".into(),
        rows: rows.into_iter().enumerate().map(|(i, r)| (i as u32 + 1, r)).collect(),
    }
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

#[test]
fn every_field_of_every_type_has_a_chinese_header() {
    for ty in EventType::ALL {
        for c in columns::columns(*ty) {
            assert!(!c.zh.is_ascii(), "{} {} has no Chinese header", ty.as_str(), c.key);
        }
        let headers: Vec<String> = columns::columns(*ty).iter().map(|c| c.header()).collect();
        let mut sorted = headers.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            headers.len(),
            "{}: two columns share a header",
            ty.as_str()
        );
    }
}

#[test]
fn every_enumeration_word_has_a_chinese_label() {
    for ty in EventType::ALL {
        for c in columns::columns(*ty) {
            if let pledger_core::schema::FieldShape::Word(words) = c.shape {
                for w in words {
                    assert!(
                        columns::word_label(w).is_some(),
                        "{} {}: {w} has no label",
                        ty.as_str(),
                        c.key
                    );
                }
            }
        }
    }
}

#[test]
fn floats_become_the_decimals_a_spreadsheet_shows() {
    assert_eq!(float_decimal(0.1 + 0.2).map(|d| d.to_string()), Some("0.3".into()));
    assert_eq!(
        float_decimal(1234567.89).map(|d| d.to_string()),
        Some("1234567.89".into())
    );
    assert_eq!(amount(&Cell::Number(12.5), Unit::Yuan).as_deref(), Ok("12.5"));
    assert_eq!(amount(&Cell::Number(1.2345), Unit::Wan).as_deref(), Ok("12345"));
    assert_eq!(amount(&Cell::Number(0.000001), Unit::Wan).as_deref(), Ok("0.01"));
    assert_eq!(amount(&t("1,234.50"), Unit::Yuan).as_deref(), Ok("1234.5"));
    assert!(matches!(
        amount(&Cell::Number(12.345), Unit::Yuan),
        Err(Reason::TooPrecise(_))
    ));
    assert!(matches!(
        amount(&Cell::Number(0.0000001), Unit::Wan),
        Err(Reason::TooPrecise(_))
    ));
    assert!(matches!(
        amount(&Cell::Number(-5.0), Unit::Yuan),
        Err(Reason::Negative(_))
    ));
    assert!(matches!(amount(&t("12元"), Unit::Yuan), Err(Reason::NotAnAmount(_))));
}

#[test]
fn dates_as_serials_or_text() {
    assert_eq!(serial_date(46082.0).map(|d| d.to_string()), Some("2026-03-01".into()));
    for s in ["2026-03-01", "2026/3/1", "2026.3.1", "2026年3月1日"] {
        assert_eq!(text_date(s).map(|d| d.to_string()), Some("2026-03-01".into()), "{s}");
    }
    for s in ["2026-02-30", "26/3/1", "March 1", "2026年3月"] {
        assert_eq!(text_date(s), None, "{s}");
    }
}

#[test]
fn the_template_read_back_is_its_own_example_and_nothing_else() {
    for ty in EventType::ALL {
        let bytes = template::write(*ty).unwrap();
        let g = read(&bytes, None).unwrap();
        let m = map_sheet(*ty, &g, &ColumnMap::default());
        assert!(m.skipped_example, "{}: example row not recognised", ty.as_str());
        assert!(m.events.is_empty());
        assert_eq!(m.problems.len(), 1, "{}: {:?}", ty.as_str(), m.problems);
        assert_eq!(m.problems[0].reason, Reason::NoRows);
    }
}

#[test]
fn chinese_or_english_headers_wan_columns_and_every_bad_cell() {
    let ty = EventType::from_name("fund.disbursed").unwrap();
    let g = grid(vec![
        vec![
            t("记录主体"),
            t("occurred_at"),
            t("拨付编号"),
            t("from_account"),
            t("收款账户"),
            t("金额（万元）"),
            t("用途"),
            t("拨付类型"),
        ],
        vec![
            t("city"),
            Cell::Date(46082.0),
            t("d-1"),
            t("a"),
            t("b"),
            Cell::Number(1.5),
            t("roads"),
            t("支出"),
        ],
        vec![
            t("city"),
            t("2026-13-01"),
            t("d-2"),
            Cell::Empty,
            t("b"),
            Cell::Number(0.0000001),
            t("roads"),
            t("gift"),
        ],
    ]);
    let m = map_sheet(ty, &g, &ColumnMap::default());
    assert_eq!(m.events.len(), 1);
    let e = &m.events[0].1;
    assert_eq!(e["data"]["amount"], "15000");
    assert_eq!(e["data"]["kind"], "expenditure");
    assert_eq!(e["occurred_at"], "2026-03-01");
    let bad: Vec<(u32, Option<&str>, &str)> = m
        .problems
        .iter()
        .map(|p| (p.row, p.column.as_deref(), p.reason.code()))
        .collect();
    assert_eq!(
        bad,
        vec![
            (3, Some("occurred_at"), "not_a_date"),
            (3, Some("金额（万元）"), "too_precise"),
            (3, Some("拨付类型"), "not_in_list"),
            (3, Some("from_account"), "required"),
        ]
    );
    assert!(m.problems[0].text(Lang::ZhCn).starts_with("第 3 行，“occurred_at”列："));
}

#[test]
fn a_map_file_names_any_header() {
    let ty = EventType::from_name("fund.disbursed").unwrap();
    let map = ColumnMap::parse(
        r#"[columns]
"单位" = "actor"
"日期" = "occurred_at"
"单号" = "disbursement_id"
"付款方" = "from_account"
"收款方" = "to_account"
"拨付额（万元）" = "amount"
"事由" = "purpose"
"#,
    )
    .unwrap();
    let g = grid(vec![
        vec![
            t("单位"),
            t("日期"),
            t("单号"),
            t("付款方"),
            t("收款方"),
            t("拨付额（万元）"),
            t("事由"),
        ],
        vec![t("c"), t("2026/3/1"), t("d"), t("a"), t("b"), Cell::Int(3), t("p")],
    ]);
    let m = map_sheet(ty, &g, &map);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert_eq!(m.events[0].1["data"]["amount"], "30000");
    let unknown = map_sheet(ty, &g, &ColumnMap::default());
    assert!(unknown
        .problems
        .iter()
        .any(|p| p.reason == Reason::UnknownColumn && p.row == 1));
}

#[test]
fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
    let csv = "\u{feff}actor,occurred_at,disbursement_id,from_account,to_account,amount,purpose\n\
               c,2026-03-01,d1,a,b,10,\"two\nlines\"\n\
               c,2026-03-01,d2,a,b,x,p\n";
    let g = read(csv.as_bytes(), None).unwrap();
    let m = map_sheet(
        EventType::from_name("fund.disbursed").unwrap(),
        &g,
        &ColumnMap::default(),
    );
    assert_eq!(m.events.len(), 1);
    assert_eq!(m.problems.len(), 1);
    assert_eq!(m.problems[0].row, 3);
    assert_eq!(m.problems[0].column.as_deref(), Some("amount"));
}

#[test]
fn nested_members_are_needed_only_when_their_object_is_given() {
    let ty = EventType::from_name("target.revised").unwrap();
    let g = grid(vec![
        vec![
            t("actor"),
            t("occurred_at"),
            t("target_id"),
            t("threshold"),
            t("period.from"),
            t("period.to"),
            t("reason"),
        ],
        vec![
            t("c"),
            t("2026-03-01"),
            t("x"),
            Cell::Int(5),
            Cell::Empty,
            Cell::Empty,
            t("r"),
        ],
        vec![
            t("c"),
            t("2026-03-01"),
            t("x"),
            Cell::Empty,
            t("2026-01-01"),
            Cell::Empty,
            t("r"),
        ],
    ]);
    let m = map_sheet(ty, &g, &ColumnMap::default());
    assert_eq!(m.events.len(), 1);
    assert!(m.events[0].1["data"].get("period").is_none());
    assert_eq!(m.problems.len(), 1);
    assert_eq!(m.problems[0].column.as_deref(), Some("period.to"));
}
