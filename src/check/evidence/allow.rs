//! Allowances: an editor's `allow` entry silences one finding of an
//! evidence check, by its code and the word it names, next to the text it
//! concerns (a claim's under its fact, a summary's or answer's under the
//! question, a block's under the block). It never reaches further: there is
//! no site-wide switch to silence a finding by accident.
//!
//! Every silenced finding is counted (the summary line shows how many), and
//! an allowance that silences nothing is itself reported (`stale-allow`),
//! so that one left behind by an edit hides nothing later.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::{Allow, Content};

/// Which allowances silenced a finding, and how many findings they silenced.
#[derive(Clone, Debug, Default)]
pub struct Allowances {
    /// Each used allowance, by its file and where its `code` is written.
    used: HashSet<(PathBuf, usize)>,
    silenced: usize,
}

impl Allowances {
    pub fn extend(&mut self, other: Allowances) {
        self.used.extend(other.used);
        self.silenced += other.silenced;
    }

    pub fn silenced(&self) -> usize {
        self.silenced
    }

    /// The allowance in `allow` (of `file`) for this code and word, if
    /// there is one; it is then counted as used.
    pub fn find(&mut self, file: &Path, allow: &[Allow], code: Code, word: &str) -> bool {
        let wanted = same_word_key(word);
        let Some(found) = allow
            .iter()
            .find(|a| a.code.value == code && same_word_key(&a.word) == wanted)
        else {
            return false;
        };
        self.used
            .insert((file.to_path_buf(), found.code.span.start as usize));
        true
    }

    /// Reports `diagnostic` unless an allowance in `allow` names its code
    /// and `word`; counts it as silenced otherwise.
    pub fn report(
        &mut self,
        file: &Path,
        allow: &[Allow],
        word: &str,
        diagnostic: Diagnostic,
        out: &mut Diagnostics,
    ) {
        if self.find(file, allow, diagnostic.code, word) {
            self.silenced += 1;
        } else {
            out.push(diagnostic);
        }
    }

    /// Counts one finding silenced by an allowance found with [`Self::find`].
    pub fn count_silenced(&mut self) {
        self.silenced += 1;
    }
}

/// Words are the same when they differ only in case, white space and the
/// punctuation around them.
fn same_word_key(word: &str) -> String {
    word.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Every allowance of the site with the file it is in.
fn all_allowances(content: &Content) -> Vec<(&Path, &Allow)> {
    let mut all: Vec<(&Path, &Allow)> = Vec::new();
    for q in &content.questions {
        let file = q.origin.file.as_path();
        let lists = std::iter::once(&q.allow)
            .chain(q.facts.iter().map(|f| &f.allow))
            .chain(q.cost.iter().map(|b| &b.allow))
            .chain(q.comparison.iter().map(|b| &b.allow))
            .chain(q.timeline.iter().map(|b| &b.allow));
        all.extend(lists.flatten().map(|a| (file, a)));
    }
    for c in &content.cautions {
        all.extend(c.allow.iter().map(|a| (c.origin.file.as_path(), a)));
    }
    for t in &content.topics {
        all.extend(t.allow.iter().map(|a| (t.origin.file.as_path(), a)));
    }
    all
}

/// Reports every allowance that silenced nothing.
pub fn stale(content: &Content, allowances: &Allowances, out: &mut Diagnostics) {
    for (file, allow) in all_allowances(content) {
        if allowances
            .used
            .contains(&(file.to_path_buf(), allow.code.span.start as usize))
        {
            continue;
        }
        out.push(
            Diagnostic::warning(Code::StaleAllow, file, Some(allow.code.span))
                .message(format!(
                    "this allowance silences nothing: there is no `{}` finding naming `{}` here",
                    allow.code.value, allow.word.value
                ))
                .help("remove it, or move it next to the text it is for (a claim's allowance goes under its fact; a summary's or answer's under the question; a block's under the block)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Spanned;

    fn allow(code: Code, word: &str, at: usize) -> Allow {
        let span = crate::diagnostics::Span {
            start: at as u32,
            ..Default::default()
        };
        Allow {
            code: Spanned { value: code, span },
            word: Spanned {
                value: word.into(),
                span,
            },
            reason: Spanned {
                value: "fine".into(),
                span,
            },
        }
    }

    #[test]
    fn silences_only_its_own_code_and_word() {
        let list = [allow(Code::QualifierNotQuoted, "Usually", 10)];
        let file = Path::new("q.yaml");
        let mut allowances = Allowances::default();
        let mut out = Diagnostics::default();
        let finding = |code| Diagnostic::warning(code, file, None);
        allowances.report(
            file,
            &list,
            "usually",
            finding(Code::QualifierNotQuoted),
            &mut out,
        );
        allowances.report(
            file,
            &list,
            "often",
            finding(Code::QualifierNotQuoted),
            &mut out,
        );
        allowances.report(
            file,
            &list,
            "usually",
            finding(Code::WordNotQuoted),
            &mut out,
        );
        assert_eq!(allowances.silenced(), 1);
        assert_eq!(out.iter().count(), 2);
        assert!(allowances.used.contains(&(file.to_path_buf(), 10)));
    }
}
