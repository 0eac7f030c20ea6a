//! The one quote-aware reading of CSV bytes, as polars reads them: a quote
//! opens a quoted field only at the start of a field, `""` inside one is a
//! quote, a quote elsewhere is text (`12" pipe`), a newline outside quotes
//! ends a record, and lines with nothing but `\r` are skipped. Built on
//! `csv-core`'s state machine; the delimiter sniffing, the streaming load's
//! block boundaries, the header's names and the ragged-line diagnosis all
//! read records through it.

use csv_core::{ReadFieldResult, ReadRecordResult, Reader, ReaderBuilder, Terminator};

/// One record of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Record {
    /// Where its first byte is (blank lines before it skipped).
    pub start: usize,
    /// Just past its newline (or the end of the bytes).
    pub end: usize,
    /// Its number of fields.
    pub fields: usize,
    /// Whether a newline ends it (else the bytes ran out inside it).
    pub complete: bool,
}

/// The records of `bytes`, in order.
pub(super) struct Scan<'a> {
    reader: Reader,
    bytes: &'a [u8],
    pos: usize,
    /// The fields' text and ends, which a scan does not keep.
    scratch: Vec<u8>,
    ends: Vec<usize>,
    done: bool,
}

fn reader(delimiter: u8) -> Reader {
    ReaderBuilder::new()
        .delimiter(delimiter)
        .terminator(Terminator::Any(b'\n'))
        .quoting(true)
        .double_quote(true)
        .build()
}

impl<'a> Scan<'a> {
    pub(super) fn new(bytes: &'a [u8], delimiter: u8) -> Self {
        Self {
            reader: reader(delimiter),
            bytes,
            pos: 0,
            scratch: vec![0; 1 << 16],
            ends: vec![0; 256],
            done: false,
        }
    }

    /// Reads one field into `out` (when given); whether it ended its record,
    /// or `None` at the end of the bytes.
    fn field(&mut self, mut out: Option<&mut Vec<u8>>) -> Option<bool> {
        loop {
            let input = &self.bytes[self.pos..];
            let (res, nin, nout) = self.reader.read_field(input, &mut self.scratch);
            self.pos += nin;
            if let Some(out) = out.as_deref_mut() {
                out.extend_from_slice(&self.scratch[..nout]);
            }
            match res {
                // Out of input: the empty input of the next call says the
                // bytes ended (and the reader then ends the field).
                ReadFieldResult::InputEmpty if input.is_empty() => return None,
                ReadFieldResult::OutputFull | ReadFieldResult::InputEmpty => {}
                ReadFieldResult::Field { record_end } => return Some(record_end),
                ReadFieldResult::End => return None,
            }
        }
    }
}

/// Whether `bytes` hold nothing but line ends.
fn blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b'\r' || b == b'\n')
}

impl Iterator for Scan<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while !self.done {
            let from = self.pos;
            let mut fields = 0;
            // Whole records at a time (a call per field costs a third more).
            let ended_by_newline = loop {
                let input = &self.bytes[self.pos..];
                let (res, nin, _, nends) =
                    self.reader
                        .read_record(input, &mut self.scratch, &mut self.ends);
                self.pos += nin;
                fields += nends;
                match res {
                    ReadRecordResult::InputEmpty if input.is_empty() => {
                        self.done = true;
                        break false;
                    }
                    ReadRecordResult::InputEmpty
                    | ReadRecordResult::OutputFull
                    | ReadRecordResult::OutputEndsFull => {}
                    ReadRecordResult::Record => {
                        break self.bytes[..self.pos].last() == Some(&b'\n');
                    }
                    ReadRecordResult::End => {
                        self.done = true;
                        break false;
                    }
                }
            };
            if fields == 0 {
                return None;
            }
            let start = from
                + self.bytes[from..self.pos]
                    .iter()
                    .position(|&b| b != b'\r' && b != b'\n')
                    .unwrap_or(self.pos - from);
            if fields == 1 && blank(&self.bytes[start..self.pos]) {
                continue;
            }
            return Some(Record {
                start,
                end: self.pos,
                fields,
                complete: ended_by_newline,
            });
        }
        None
    }
}

/// The fields of the first record of `bytes`, unquoted.
pub(super) fn first_record_fields(bytes: &[u8], delimiter: u8) -> Vec<Vec<u8>> {
    let mut scan = Scan::new(bytes, delimiter);
    let mut fields = Vec::new();
    loop {
        let mut field = Vec::new();
        match scan.field(Some(&mut field)) {
            None => break,
            Some(record_end) => {
                fields.push(field);
                if record_end {
                    break;
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_follow_quotes_as_polars_does() {
        let text = b"a,\"x\ny\",1\r\n\r\n\nb,12\" pipe,2\nc,\"say \"\"hi\"\"\n\",3\nd";
        let records: Vec<Record> = Scan::new(text, b',').collect();
        let fields: Vec<usize> = records.iter().map(|r| r.fields).collect();
        assert_eq!(fields, [3, 3, 3, 1]);
        assert_eq!(records[0].start, 0);
        assert_eq!(records[0].end, 11);
        // Blank lines (with or without \r) are skipped.
        assert_eq!(records[1].start, 14);
        assert_eq!(&text[records[1].start..records[1].end], b"b,12\" pipe,2\n");
        assert!(records[2].complete);
        assert!(!records[3].complete);
        assert_eq!(records[3].end, text.len());
        let open: Vec<Record> = Scan::new(b"a,\"open\nstill open", b',').collect();
        assert_eq!(open.len(), 1);
        assert!(!open[0].complete);
    }

    #[test]
    fn header_fields_are_unquoted() {
        let fields = first_record_fields(b"\"a,b\",\"say \"\"x\"\"\",c\r\n1,2,3\n", b',');
        let names: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        assert_eq!(names, [&b"a,b"[..], b"say \"x\"", b"c\r"]);
    }
}
