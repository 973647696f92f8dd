// The namespaces nearly every use case opens (the same choice as Jason Taylor's CleanArchitecture template):
// a use case's file then starts with what is particular to it.
global using Akua.Application.Common.Abstractions;
global using Akua.Application.Common.Auditing;
global using Akua.Application.Common.Authorization;
global using Akua.Application.Common.Mapping;
global using Akua.Application.Common.Paging;
global using Akua.Application.Common.Security;
global using Akua.Domain.Audit;
global using Akua.Domain.Common;
global using Akua.Domain.Workspaces;
global using FluentValidation;
global using MapsterMapper;
global using Mediator;
global using Microsoft.EntityFrameworkCore;
