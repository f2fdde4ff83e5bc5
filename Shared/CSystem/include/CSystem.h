#ifndef CSYSTEM_H
#define CSYSTEM_H
// Linux calls that Glibc's Swift overlay does not expose (epoll, eventfd, signalfd, accept4,
// fallocate, sync_file_range).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <signal.h>
#include <stdint.h>

int csys_accept4_nonblock(int fd);
int csys_epoll_create(void);
int csys_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Waits and copies up to `max` events into parallel arrays (avoids packed-struct layout issues in Swift).
int csys_epoll_wait(int epfd, uint32_t *events, uint64_t *datas, int max, int timeout_ms);
int csys_eventfd(void);
int csys_eventfd_signal(int fd);
int csys_eventfd_drain(int fd);
/// Blocks SIGINT/SIGTERM/SIGPIPE in the calling thread (call before spawning threads) and
/// returns a signalfd for SIGINT and SIGTERM.
int csys_signalfd_term(void);
/* glibc mallopt(M_MMAP_THRESHOLD / M_TRIM_THRESHOLD) (malloc.h is not in Swift's Glibc); 1 when both took. */
int csys_malloc_tune(int mmap_threshold, int trim_threshold);
/// Reads one signal from the signalfd; returns its number or -1.
int csys_signalfd_read(int fd);
int csys_set_reuseport(int fd);
int csys_set_nodelay(int fd);
/* Files being received (Linux; -1 with errno where the file system cannot):
   fallocate(FALLOC_FL_KEEP_SIZE) of [0, length): the blocks are allocated up front, the size
   stays; sync_file_range(SYNC_FILE_RANGE_WRITE): starts writeback of a range without waiting. */
int csys_reserve_blocks(int fd, int64_t length);
int csys_start_writeback(int fd, int64_t offset, int64_t count);
#endif
