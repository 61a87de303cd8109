/// The shared look of Wangge's printed and on-screen pages: system CJK fonts, no web fonts
/// (the pages work offline), tables that print cleanly.
enum PageStyle {
    static let fonts =
        "font-family:\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",sans-serif"
}
