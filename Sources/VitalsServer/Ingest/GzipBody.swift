import CompressNIO
import NIOCore

/// Decompresses a `Content-Encoding: gzip` request body: every member of it, with nothing left over.
///
/// A gzip file may hold several members one after the other (RFC 1952, 2.2): `cat a.gz b.gz` is a valid gzip
/// file whose content is both files' contents. Each member is checked whole — header, deflate data, CRC-32 and
/// length — by zlib, so a body cut short anywhere, or followed by bytes that are not another member, is an error
/// rather than a part of the batch; the caller then stores nothing of it.
///
/// The output is bounded by `limit` while it is produced: a small body that expands past the limit stops
/// decompressing as soon as it passes it.
///
/// ```swift
/// let plain = try GzipBody.decode(body, limit: 10 << 20)  // a, b and c of `cat a.gz b.gz c.gz`
/// ```
enum GzipBody {
    /// The first output buffer is this many times the compressed size (JSONL shrinks about tenfold).
    private static let initialExpansion = 8

    /// The decompressed bytes of `body`, all members concatenated.
    ///
    /// An empty body decodes to an empty buffer (the ingest route then answers that the body is empty).
    ///
    /// - Parameters:
    ///   - body: The compressed bytes.
    ///   - limit: The largest decompressed size accepted, in bytes.
    /// - Returns: The decompressed bytes, at most `limit` of them.
    /// - Throws: ``GzipBodyError``: ``GzipBodyError/Code/tooLarge`` past `limit`,
    ///   ``GzipBodyError/Code/truncated`` when the body ends inside a member, ``GzipBodyError/Code/corrupt``
    ///   for anything else that is not gzip.
    static func decode(_ body: ByteBuffer, limit: Int) throws(GzipBodyError) -> ByteBuffer {
        guard body.readableBytes > 0 else { return ByteBuffer() }
        // One byte past the limit proves the body too large without holding more of it.
        let ceiling = limit < Int.max ? limit + 1 : limit
        let decompressor: ZlibDecompressor
        do {
            decompressor = try ZlibDecompressor(algorithm: .gzip)
        } catch {
            throw GzipBodyError(.corrupt, "the gzip body could not be decompressed: zlib failed to start (\(error))")
        }
        var input = body
        let initial = body.readableBytes.multipliedReportingOverflow(by: initialExpansion)
        var output = ByteBufferAllocator().buffer(
            capacity: initial.overflow ? ceiling : min(initial.partialValue, ceiling)
        )
        var member = 1
        var memberStart = 0
        while true {
            if output.writableBytes == 0 {
                let grown = output.capacity.multipliedReportingOverflow(by: 2)
                let capacity = grown.overflow ? ceiling : min(max(grown.partialValue, 4_096), ceiling)
                guard capacity > output.capacity else { throw tooLarge(limit) }
                output.reserveCapacity(capacity)
            }
            let startedEmpty = input.readableBytes == 0
            let produced = output.readableBytes
            do {
                try decompressor.inflate(from: &input, to: &output)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // The output is full: the next turn grows it, or finds the body too large.
                guard output.readableBytes <= limit else { throw tooLarge(limit) }
                continue
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                throw GzipBodyError(
                    .truncated,
                    "the gzip body ends inside member \(member) (which starts at byte \(memberStart + 1) of "
                        + "\(body.readableBytes)): the stream is truncated; send the whole compressed body"
                )
            } catch {
                throw corrupt(member: member, start: memberStart, body: body)
            }
            guard output.readableBytes <= limit else { throw tooLarge(limit) }
            if input.readableBytes > 0 {
                // zlib returns with input left over only at the end of a member: what follows must be another.
                member += 1
                memberStart = body.readableBytes - input.readableBytes
                do {
                    try decompressor.reset()
                } catch {
                    throw corrupt(member: member, start: memberStart, body: body)
                }
                continue
            }
            // All input is consumed: the last member either ended exactly here or is cut short. A call with no
            // input tells them apart, as zlib fails a call that can make no progress unless the member is done.
            if startedEmpty && output.readableBytes == produced { return output }
        }
    }

    private static func tooLarge(_ limit: Int) -> GzipBodyError {
        GzipBodyError(
            .tooLarge,
            "the body is larger than the limit of \(limit) bytes once decompressed; send smaller batches"
        )
    }

    private static func corrupt(member: Int, start: Int, body: ByteBuffer) -> GzipBodyError {
        if member == 1 {
            return GzipBodyError(
                .corrupt,
                "the body is not valid gzip (bad header, data or checksum); expected Content-Encoding: gzip to "
                    + "match the body"
            )
        }
        return GzipBodyError(
            .corrupt,
            "the gzip body is not valid after member \(member - 1): the bytes from byte \(start + 1) of "
                + "\(body.readableBytes) are not a complete gzip member (bad header, data or checksum)"
        )
    }
}
