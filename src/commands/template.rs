//! `pledger template TYPE --out T.xlsx`: the workbook a clerk fills in
//! for one event type (pledger-import writes it; `pledger import` reads
//! it back unchanged).

use crate::Failure;
use pledger_import::Lang;
use std::path::Path;

pub fn run(event_type: &str, out: &Path, lang: Lang) -> Result<(), Failure> {
    let t = pledger_import::event_type(event_type).map_err(|e| Failure::Input(e.text(lang)))?;
    let bytes = pledger_import::template::write(t).map_err(|e| Failure::Input(e.text(lang)))?;
    std::fs::write(out, bytes).map_err(|e| Failure::Input(format!("cannot write {}: {e}", out.display())))?;
    println!(
        "{}",
        match lang {
            Lang::ZhCn => format!("已生成 {} 的导入模板：{}", t.as_str(), out.display()),
            Lang::En => format!("wrote the {} template to {}", t.as_str(), out.display()),
        }
    );
    Ok(())
}
