package io.distill4j.eval.report;

/** Escaping and the shared page frame of the report's HTML files. */
final class Html {
    static final String STYLE = "body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}"
            + "table{border-collapse:collapse;margin:8px 0 20px}th,td{border:1px solid #ccc;padding:4px 10px;"
            + "text-align:right}th:first-child,td:first-child{text-align:left}th{background:#f2f2f2}"
            + "img{max-width:100%;border:1px solid #ddd;margin:4px 0 16px}h2{margin-top:28px}"
            + ".pos{color:#0a7d28}.neg{color:#b00020}"
            + ".legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0 16px;font-size:14px}"
            + ".key{display:inline-flex;align-items:center;gap:5px}"
            + ".swatch{display:inline-block;width:16px;height:16px;border:1px solid #888}"
            + "nav{margin:0 0 12px}nav a{margin-right:14px}"
            + "td.best{font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:0 16px}"
            + "table.comparison td:last-child,table.comparison th:last-child{text-align:left}";

    private Html() {}

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title><style>"
                + STYLE + "</style></head><body>\n<h1>" + escape(title) + "</h1>\n" + body + "\n</body></html>\n";
    }
}
