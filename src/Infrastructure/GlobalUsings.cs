// The namespaces most of this project opens; a file then starts with what is particular to it.
global using Akua.Application.Common.Abstractions;
global using Akua.Application.Common.Security;
global using Akua.Domain.Common;
global using Microsoft.EntityFrameworkCore;
global using Microsoft.EntityFrameworkCore.Metadata.Builders;
global using Microsoft.Extensions.Options;
