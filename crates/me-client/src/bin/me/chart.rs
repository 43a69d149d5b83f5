//! Tables with a bar for each row, for the terminal.

/// Prints `rows` (label, value, extra columns) with a bar scaled to the largest value.
pub fn bars(header: &[&str], rows: &[(String, i64, Vec<String>)]) {
    const WIDTH: usize = 40;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let label_w = rows.iter().map(|r| r.0.len()).chain([header.first().map_or(0, |h| h.len())]).max().unwrap_or(0);
    let value_w =
        rows.iter().map(|r| r.1.to_string().len()).chain([header.get(1).map_or(0, |h| h.len())]).max().unwrap_or(0);
    let extra_ws: Vec<usize> = (0..header.len().saturating_sub(2))
        .map(|i| rows.iter().map(|r| r.2.get(i).map_or(0, String::len)).chain([header[i + 2].len()]).max().unwrap_or(0))
        .collect();
    let mut head = format!("{:<label_w$}  {:>value_w$}", header.first().unwrap_or(&""), header.get(1).unwrap_or(&""));
    for (i, w) in extra_ws.iter().enumerate() {
        head.push_str(&format!("  {:>w$}", header[i + 2]));
    }
    println!("{head}");
    for (label, value, extra) in rows {
        let mut line = format!("{label:<label_w$}  {value:>value_w$}");
        for (i, w) in extra_ws.iter().enumerate() {
            line.push_str(&format!("  {:>w$}", extra.get(i).map_or("", String::as_str)));
        }
        let len = (*value.max(&0) as usize * WIDTH).div_ceil(max as usize);
        println!("{line}  {}", "█".repeat(len));
    }
}
