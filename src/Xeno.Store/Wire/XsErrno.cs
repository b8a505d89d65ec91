namespace Xeno.Store.Wire;

/// <summary>The errno values xenstored reports; the wire carries their names.</summary>
public enum XsErrno
{
    EINVAL,
    EACCES,
    EEXIST,
    EISDIR,
    ENOENT,
    ENOMEM,
    ENOSPC,
    EIO,
    ENOTEMPTY,
    ENOSYS,
    EROFS,
    EBUSY,
    EAGAIN,
    EISCONN,
    E2BIG,
    EPERM,
}
