/*
 * mr_packet: the review packet of a case — what a CMS representative asks
 * for, ready to upload.
 *
 * A folder, a .tar.gz or a .zip (chosen by the output's name) holding
 *   evidence/NN-KIND-NAME   every attached file under a readable unique name
 *   summary.txt, summary.json   clinician, year, reasons, scores, deadline,
 *                           evidence checklist and the timeline from the
 *                           audit trail
 *   SHA256SUMS              a manifest that "sha256sum -c SHA256SUMS" accepts
 * Archives hold one top folder named after the archive.  Every evidence
 * file is re-hashed while it is copied, so an altered store is refused
 * (MR_EINTEGRITY).  The packet is built under a temporary name and renamed
 * into place; an existing path is never overwritten.
 */
#ifndef MR_PACKET_H
#define MR_PACKET_H

#include <stdint.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;

enum mr_packet_format {
	MR_PACKET_FOLDER,
	MR_PACKET_TAR_GZ,
	MR_PACKET_ZIP,
};

/* The format an output path asks for: .tar.gz/.tgz, .zip, else a folder. */
enum mr_packet_format mr_packet_format_of(const char *path);
/* "folder", "tar.gz" or "zip". */
const char *mr_packet_format_name(enum mr_packet_format);

struct mr_packet_info {
	enum mr_packet_format format;
	int		 files;		/* evidence files written */
	int64_t		 bytes;		/* their total size */
};

/*
 * Write the packet of case_id to out.  TINs are masked unless reveal.
 * Fills *info (may be NULL).
 */
int	mr_packet_write(struct mr_store *, int64_t case_id, const char *out,
	    int reveal, struct mr_packet_info *info, struct mr_err *);

/*
 * The summary as JSON (what summary.json holds, without the packet's file
 * names when files is NULL).  New reference, or NULL with *err set.
 */
json_t	*mr_packet_summary_json(struct mr_store *, int64_t case_id,
	    int reveal, struct mr_err *);

#endif /* MR_PACKET_H */
