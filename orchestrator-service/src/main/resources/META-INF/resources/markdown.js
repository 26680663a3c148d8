// A small Markdown renderer for the plan and report: headings, paragraphs, lists, task boxes, tables, code fences,
// bold, inline code and links. Everything is escaped first, so a migration's text cannot inject HTML.
(function () {
  function esc(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function inline(text) {
    return esc(text)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+|#[^)\s]*|\/[^)\s]*)\)/g, '<a href="$2">$1</a>')
      .replace(/^\[( |x)\] /, function (_, done) { return done === 'x' ? '&#9745; ' : '&#9744; '; });
  }
  function cells(line) {
    return line.trim().replace(/^\||\|$/g, '').split('|').map(function (c) { return c.trim(); });
  }
  window.renderMarkdown = function (source) {
    var lines = String(source || '').split('\n');
    var html = [];
    var i = 0;
    while (i < lines.length) {
      var line = lines[i];
      if (/^```/.test(line)) {
        var code = [];
        for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
        html.push('<pre><code>' + esc(code.join('\n')) + '</code></pre>');
        i++;
      } else if (/^#{1,6} /.test(line)) {
        var level = line.match(/^#+/)[0].length;
        html.push('<h' + level + '>' + inline(line.replace(/^#+ /, '')) + '</h' + level + '>');
        i++;
      } else if (/^\s*\|/.test(line) && i + 1 < lines.length && /^\s*\|[\s:|-]+\|?\s*$/.test(lines[i + 1])) {
        var head = cells(line);
        var rows = [];
        for (i += 2; i < lines.length && /^\s*\|/.test(lines[i]); i++) rows.push(cells(lines[i]));
        html.push('<table><thead><tr>' + head.map(function (c) { return '<th>' + inline(c) + '</th>'; }).join('') +
          '</tr></thead><tbody>' + rows.map(function (r) {
            return '<tr>' + r.map(function (c) { return '<td>' + inline(c) + '</td>'; }).join('') + '</tr>';
          }).join('') + '</tbody></table>');
      } else if (/^\s*([-*]|\d+\.) /.test(line)) {
        var ordered = /^\s*\d+\. /.test(line);
        var items = [];
        for (; i < lines.length && /^\s*([-*]|\d+\.) /.test(lines[i]); i++) {
          items.push('<li>' + inline(lines[i].replace(/^\s*([-*]|\d+\.) /, '')) + '</li>');
        }
        html.push((ordered ? '<ol>' : '<ul>') + items.join('') + (ordered ? '</ol>' : '</ul>'));
      } else if (line.trim() === '') {
        i++;
      } else {
        var para = [];
        for (; i < lines.length && lines[i].trim() !== '' && !/^(#{1,6} |```|\s*\||\s*([-*]|\d+\.) )/.test(lines[i]); i++) {
          para.push(inline(lines[i]));
        }
        html.push('<p>' + para.join('<br>') + '</p>');
      }
    }
    return html.join('\n');
  };
})();
