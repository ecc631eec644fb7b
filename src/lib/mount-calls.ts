/** mount(2) and umount2(2) through koffi, called synchronously (each a single quick syscall). */
import koffi from 'koffi';

/** MS_* and MNT_* flags the callers use. */
export const MS_RDONLY = 1;
export const MS_REMOUNT = 32;
export const MS_BIND = 4096;
export const MNT_DETACH = 2;

/** The two calls; each returns 0 or -1 (the reason in koffi.errno()). */
export interface MountCalls {
  mount: (src: string | null, target: string, fstype: string | null, flags: number, data: null) => number;
  umount2: (target: string, flags: number) => number;
}

/** Binds the calls from libc. Throws when koffi or libc cannot be loaded. */
export function loadMountCalls(): MountCalls {
  const lib = koffi.load('libc.so.6');
  return {
    mount: lib.func('int mount(const char *src, const char *target, const char *fstype, unsigned long flags, const void *data)') as MountCalls['mount'],
    umount2: lib.func('int umount2(const char *target, int flags)') as MountCalls['umount2'],
  };
}
